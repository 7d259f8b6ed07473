//! The iCalendar (.ics) file sent with a booking's emails: an invitation (METHOD:REQUEST) or a
//! cancellation (METHOD:CANCEL), built with the `icalendar` crate. The UID is stable per booking
//! and SEQUENCE grows with each change, so calendar apps update the one event instead of adding
//! another. Times are in UTC; each reader's app shows them in its own zone. Server-only.

use chrono::{DateTime, Utc};
use icalendar::{Calendar, Component, EventLike, EventStatus, Property};

/// One booking as a calendar event.
pub struct CalendarEvent<'a> {
    pub uid: uuid::Uuid,
    /// 0 when first sent; one more at each reschedule or cancellation.
    pub sequence: u32,
    pub cancelled: bool,
    pub start: DateTime<Utc>,
    pub end: DateTime<Utc>,
    pub summary: &'a str,
    pub description: &'a str,
    pub meeting_url: Option<&'a str>,
    /// (name, email)
    pub organizer: (&'a str, &'a str),
    /// (name, email)
    pub attendee: (&'a str, &'a str),
    /// When this version of the event was written (DTSTAMP).
    pub stamp: DateTime<Utc>,
}

/// Identifies Waypoint as the producer of the file.
pub const PRODUCT_ID: &str = "-//Waypoint//Booking//EN";

/// The event's UID: the booking's id, so every version of the invitation names the same event.
pub fn event_uid(uid: uuid::Uuid) -> String {
    format!("{uid}@waypoint")
}

/// The .ics text (CRLF line endings, long lines folded) for `event`.
pub fn booking_ics(event: &CalendarEvent) -> String {
    let mut calendar = Calendar::empty();
    calendar.append_property(("PRODID", PRODUCT_ID));
    calendar.append_property(("VERSION", "2.0"));
    calendar.append_property(("CALSCALE", "GREGORIAN"));
    calendar.append_property(("METHOD", if event.cancelled { "CANCEL" } else { "REQUEST" }));

    let mut vevent = icalendar::Event::new();
    vevent
        .uid(&event_uid(event.uid))
        .sequence(event.sequence)
        .timestamp(event.stamp)
        .starts(event.start)
        .ends(event.end)
        .summary(&single_line(event.summary))
        .description(event.description)
        .status(if event.cancelled { EventStatus::Cancelled } else { EventStatus::Confirmed });
    if let Some(url) = event.meeting_url.map(single_line).filter(|url| !url.is_empty()) {
        vevent.location(&url);
        vevent.url(&url);
    }
    vevent.append_property(person("ORGANIZER", event.organizer));
    let mut attendee = person("ATTENDEE", event.attendee);
    attendee.add_parameter("ROLE", "REQ-PARTICIPANT");
    attendee.add_parameter("PARTSTAT", "NEEDS-ACTION");
    attendee.add_parameter("RSVP", "TRUE");
    vevent.append_multi_property(attendee);
    calendar.push(vevent.done());
    calendar.to_string()
}

/// ORGANIZER or ATTENDEE: `CN=name` (quoted by the crate when it holds `,` `;` or `:`) and a
/// mailto address.
fn person(key: &str, (name, email): (&str, &str)) -> Property {
    let mut property = Property::new(key, format!("mailto:{}", single_line(email)));
    property.add_parameter("CN", &parameter_text(name));
    property
}

/// A parameter value can't hold a double quote or a control character (RFC 5545 3.1), even
/// quoted; a name containing them keeps its meaning with single quotes and spaces.
fn parameter_text(text: &str) -> String {
    text.chars()
        .map(|c| match c {
            '"' => '\'',
            c if c.is_control() => ' ',
            c => c,
        })
        .collect::<String>()
        .trim()
        .to_string()
}

/// Values that must stay on one line (a subject, an address) lose stray line breaks.
fn single_line(text: &str) -> String {
    text.chars().map(|c| if c.is_control() { ' ' } else { c }).collect::<String>().trim().to_string()
}

#[cfg(test)]
mod tests {
    use super::*;
    use icalendar::parser::{read_calendar, unfold, Component as Parsed};

    fn at(text: &str) -> DateTime<Utc> {
        DateTime::parse_from_rfc3339(text).map(|t| t.with_timezone(&Utc)).expect("test instant")
    }

    fn event(sequence: u32, cancelled: bool) -> CalendarEvent<'static> {
        CalendarEvent {
            uid: uuid::Uuid::from_u128(0x1234_5678_9abc_def0_1234_5678_9abc_def0),
            sequence,
            cancelled,
            start: at("2026-11-30T14:00:00Z"),
            end: at("2026-11-30T15:00:00Z"),
            summary: "Career chat: Ada Lovelace & Sam",
            description: "Bring your CV.\nWe'll talk about roles; teams, and next steps.",
            meeting_url: Some("https://meet.example.org/abc-defg-hij?pwd=1;2"),
            organizer: ("Lovelace, Ada; PhD", "ada@example.org"),
            attendee: ("Sam \"The Student\" O'Neil", "sam@example.org"),
            stamp: at("2026-11-24T09:30:00Z"),
        }
    }

    /// Parses `ics` back and gives (calendar properties, the one VEVENT) to `check`.
    fn parsed<T>(ics: &str, check: impl FnOnce(&Parsed<'_>, &Parsed<'_>) -> T) -> T {
        let unfolded = unfold(ics);
        let calendar = read_calendar(&unfolded).expect("parses back");
        assert_eq!(calendar.components.len(), 1, "one component");
        let vevent = &calendar.components[0];
        assert_eq!(vevent.name.as_str(), "VEVENT");
        let root = Parsed { name: "VCALENDAR".into(), properties: calendar.properties.clone(), components: Vec::new() };
        check(&root, vevent)
    }

    fn value(component: &Parsed<'_>, key: &str) -> String {
        component.find_prop(key).map(|p| p.val.as_str().to_string()).unwrap_or_default()
    }

    fn param(component: &Parsed<'_>, key: &str, name: &str) -> String {
        let property = component.find_prop(key).expect("property present");
        let parameter = property.params.iter().find(|p| p.key.as_str() == name).expect("parameter");
        parameter.val.as_ref().map(|v| v.as_str().to_string()).unwrap_or_default()
    }

    #[test]
    fn an_invitation_carries_request_uid_sequence_and_utc_times() {
        let ics = booking_ics(&event(0, false));
        assert!(ics.starts_with("BEGIN:VCALENDAR\r\n") && ics.ends_with("END:VCALENDAR\r\n"));
        parsed(&ics, |calendar, vevent| {
            assert_eq!(value(calendar, "METHOD"), "REQUEST");
            assert_eq!(value(calendar, "PRODID"), PRODUCT_ID);
            assert_eq!(value(calendar, "VERSION"), "2.0");
            assert_eq!(value(vevent, "UID"), "12345678-9abc-def0-1234-56789abcdef0@waypoint");
            assert_eq!(value(vevent, "SEQUENCE"), "0");
            assert_eq!(value(vevent, "DTSTART"), "20261130T140000Z");
            assert_eq!(value(vevent, "DTEND"), "20261130T150000Z");
            assert_eq!(value(vevent, "DTSTAMP"), "20261124T093000Z");
            assert_eq!(value(vevent, "STATUS"), "CONFIRMED");
            let url = "https://meet.example.org/abc-defg-hij?pwd=1;2";
            assert_eq!(value(vevent, "URL"), url);
            assert_eq!(value(vevent, "LOCATION").replace("\\;", ";"), url);
        });
    }

    #[test]
    fn a_cancellation_keeps_the_uid_and_raises_the_sequence() {
        let first = booking_ics(&event(0, false));
        let cancel = booking_ics(&event(2, true));
        let uid = |ics: &str| parsed(ics, |_, vevent| value(vevent, "UID"));
        assert_eq!(uid(&first), uid(&cancel));
        parsed(&cancel, |calendar, vevent| {
            assert_eq!(value(calendar, "METHOD"), "CANCEL");
            assert_eq!(value(vevent, "STATUS"), "CANCELLED");
            assert_eq!(value(vevent, "SEQUENCE"), "2");
        });
    }

    #[test]
    fn names_with_commas_semicolons_and_quotes_stay_one_parameter() {
        let ics = booking_ics(&event(1, false));
        assert!(ics.contains("CN=\"Lovelace, Ada; PhD\""), "quoted: {ics}");
        parsed(&ics, |_, vevent| {
            assert_eq!(param(vevent, "ORGANIZER", "CN"), "Lovelace, Ada; PhD");
            assert_eq!(value(vevent, "ORGANIZER"), "mailto:ada@example.org");
            assert_eq!(param(vevent, "ATTENDEE", "CN"), "Sam 'The Student' O'Neil");
            assert_eq!(param(vevent, "ATTENDEE", "ROLE"), "REQ-PARTICIPANT");
            assert_eq!(value(vevent, "ATTENDEE"), "mailto:sam@example.org");
        });
    }

    #[test]
    fn text_is_escaped_and_long_lines_are_folded() {
        let mut long = event(0, false);
        let description = "A long agenda. ".repeat(20);
        long.description = &description;
        let ics = booking_ics(&long);
        assert!(ics.split("\r\n").all(|line| line.len() <= 75), "folded at 75 octets");
        assert!(booking_ics(&event(0, false)).contains("roles\\; teams\\, and"));
        parsed(&ics, |_, vevent| {
            assert_eq!(value(vevent, "DESCRIPTION").trim_end(), description.trim_end());
        });
    }

    #[test]
    fn no_meeting_link_means_no_location() {
        let mut offline = event(0, false);
        offline.meeting_url = None;
        let ics = booking_ics(&offline);
        assert!(!ics.contains("LOCATION") && !ics.contains("URL:"));
        offline.summary = "Line one\r\nX-INJECTED:yes";
        assert!(!booking_ics(&offline).contains("\r\nX-INJECTED"), "no header injection");
    }
}
