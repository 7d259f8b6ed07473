//! Worked examples for slot generation: daylight-saving nights in two zones, overrides, buffers,
//! notice, horizon, the daily cap, and the labels shown beside slots.

use super::*;
use chrono_tz::{America::New_York, Europe::London};

pub(super) fn at(text: &str) -> DateTime<Utc> {
    DateTime::parse_from_rfc3339(text).map(|t| t.with_timezone(&Utc)).expect("test instant")
}

pub(super) fn time(hour: u32, minute: u32) -> NaiveTime {
    NaiveTime::from_hms_opt(hour, minute, 0).expect("test time")
}

fn date(text: &str) -> NaiveDate {
    NaiveDate::parse_from_str(text, "%Y-%m-%d").expect("test date")
}

/// One window on `weekday`, no buffers, notice, cap; a year's horizon.
fn hours(zone: Tz, weekday: Weekday, start: NaiveTime, end: NaiveTime) -> Availability {
    Availability {
        time_zone: zone,
        weekly: vec![WeeklyWindow { weekday, start, end }],
        overrides: Vec::new(),
        buffer_before_minutes: 0,
        buffer_after_minutes: 0,
        minimum_notice_minutes: 0,
        horizon_days: 365,
        daily_cap: None,
    }
}

fn now() -> DateTime<Utc> {
    at("2026-01-01T00:00:00Z")
}

/// Every free slot in the whole horizon.
fn all(availability: &Availability, length: u32, step: u32, taken: &[Taken]) -> Vec<Slot> {
    availability.free_slots(length, step, now(), DateTime::<Utc>::MIN_UTC, DateTime::<Utc>::MAX_UTC, taken)
}

fn starts(slots: &[Slot]) -> Vec<DateTime<Utc>> {
    slots.iter().map(|slot| slot.start).collect()
}

fn on(slots: &[Slot], day: &str) -> Vec<Slot> {
    let (from, until) = (at(&format!("{day}T00:00:00Z")), at(&format!("{day}T23:59:59Z")));
    slots.iter().copied().filter(|s| s.start >= from && s.start <= until).collect()
}

fn taken_at(start: &str, minutes: i64) -> Taken {
    let start = at(start);
    Taken { start, blocked_from: start, blocked_until: start + Duration::minutes(minutes) }
}

#[test]
fn new_york_spring_forward_fits_one_hour_in_a_window_that_lasts_one_real_hour() {
    // 2026-03-08: 02:00 EST jumps to 03:00 EDT, so 01:00-03:00 lasts one real hour.
    let availability = hours(New_York, Weekday::Sun, time(1, 0), time(3, 0));
    let slots = all(&availability, 60, 15, &[]);
    assert_eq!(starts(&on(&slots, "2026-03-08")), vec![at("2026-03-08T06:00:00Z")]);
    // The Sunday before, the same window holds five starts.
    assert_eq!(on(&slots, "2026-03-01").len(), 5);
}

#[test]
fn new_york_spring_forward_skips_the_missing_hour_and_stays_contiguous() {
    let availability = hours(New_York, Weekday::Sun, time(0, 0), time(4, 0));
    let slots = on(&all(&availability, 30, 0, &[]), "2026-03-08");
    let labels: Vec<String> = slots.iter().map(|s| local_label(s.start, New_York)).collect();
    assert_eq!(labels, ["00:00", "00:30", "01:00", "01:30", "03:00", "03:30"].map(|t| format!("Sun 8 Mar, {t}")));
    for pair in slots.windows(2) {
        assert_eq!(pair[0].end, pair[1].start, "no real-time hole on the short night");
    }
    assert_eq!(slots.last().map(|s| s.end), Some(at("2026-03-08T08:00:00Z")));
}

#[test]
fn new_york_fall_back_offers_the_repeated_hour_once() {
    // 2026-11-01: 02:00 EDT falls back to 01:00 EST; 01:00-01:59 happens twice.
    let availability = hours(New_York, Weekday::Sun, time(0, 0), time(3, 0));
    let slots = on(&all(&availability, 30, 30, &[]), "2026-11-01");
    assert_eq!(
        starts(&slots),
        vec![
            at("2026-11-01T04:00:00Z"), // 00:00 EDT
            at("2026-11-01T04:30:00Z"),
            at("2026-11-01T05:00:00Z"), // 01:00 EDT, the earlier of the two
            at("2026-11-01T05:30:00Z"),
            at("2026-11-01T07:00:00Z"), // 02:00 EST
            at("2026-11-01T07:30:00Z"),
        ]
    );
    let second_one_am = Slot { start: at("2026-11-01T06:00:00Z"), end: at("2026-11-01T06:30:00Z") };
    assert!(!availability.offers(second_one_am, now(), &[]));
    assert_eq!(zone_abbreviation(slots[2].start, New_York), "EDT");
    assert_eq!(zone_abbreviation(slots[4].start, New_York), "EST");
}

#[test]
fn new_york_fall_back_window_ending_in_the_repeated_hour_ends_the_first_time() {
    let availability = hours(New_York, Weekday::Sun, time(0, 0), time(1, 30));
    let slots = on(&all(&availability, 60, 30, &[]), "2026-11-01");
    // 00:00-01:00 and 00:30-01:30 EDT; 01:00 EDT would run past the first 01:30.
    assert_eq!(starts(&slots), vec![at("2026-11-01T04:00:00Z"), at("2026-11-01T04:30:00Z")]);
}

#[test]
fn window_starting_inside_the_gap_starts_when_the_gap_ends() {
    let availability = hours(New_York, Weekday::Sun, time(2, 30), time(4, 0));
    let slots = on(&all(&availability, 60, 30, &[]), "2026-03-08");
    // 02:30 does not exist; 03:00 EDT (07:00Z) does, on the window's 30-minute grid.
    assert_eq!(starts(&slots), vec![at("2026-03-08T07:00:00Z")]);
    assert!(availability.offers(slots[0], now(), &[]));
}

#[test]
fn london_spring_forward_and_fall_back() {
    let availability = hours(London, Weekday::Sun, time(0, 0), time(3, 0));
    let slots = all(&availability, 60, 60, &[]);
    // 2026-03-29: 01:00 GMT jumps to 02:00 BST: 00:00 GMT, then 02:00 BST; 03:00 BST = 02:00Z.
    assert_eq!(starts(&on(&slots, "2026-03-29")), vec![at("2026-03-29T00:00:00Z"), at("2026-03-29T01:00:00Z")]);
    // 2026-10-25: 02:00 BST falls back to 01:00 GMT: 00:00 BST, 01:00 BST, 02:00 GMT.
    let fall: Vec<Slot> = slots
        .iter()
        .copied()
        .filter(|s| s.start >= at("2026-10-24T22:00:00Z") && s.start < at("2026-10-25T12:00:00Z"))
        .collect();
    assert_eq!(starts(&fall), vec![at("2026-10-24T23:00:00Z"), at("2026-10-25T00:00:00Z"), at("2026-10-25T02:00:00Z")]);
    assert_eq!(zone_abbreviation(fall[1].start, London), "BST");
    assert_eq!(zone_abbreviation(fall[2].start, London), "GMT");
    assert_eq!(local_label(fall[0].start, London), "Sun 25 Oct, 00:00");
}

#[test]
fn a_day_off_override_removes_the_weekly_hours() {
    let mut availability = hours(London, Weekday::Mon, time(9, 0), time(12, 0));
    availability.overrides.push(DateOverride { date: date("2026-02-02"), windows: Vec::new() });
    let slots = all(&availability, 60, 0, &[]);
    assert!(on(&slots, "2026-02-02").is_empty());
    assert_eq!(on(&slots, "2026-02-09").len(), 3);
}

#[test]
fn an_extra_hours_override_adds_a_day_and_replaces_hours() {
    let mut availability = hours(London, Weekday::Mon, time(9, 0), time(12, 0));
    availability.overrides.push(DateOverride {
        date: date("2026-02-07"), // a Saturday
        windows: vec![(time(10, 0), time(11, 0)), (time(14, 0), time(15, 0))],
    });
    availability.overrides.push(DateOverride {
        date: date("2026-02-09"), // a Monday, different hours
        windows: vec![(time(16, 0), time(17, 0))],
    });
    let slots = all(&availability, 60, 0, &[]);
    assert_eq!(starts(&on(&slots, "2026-02-07")), vec![at("2026-02-07T10:00:00Z"), at("2026-02-07T14:00:00Z")]);
    assert_eq!(starts(&on(&slots, "2026-02-09")), vec![at("2026-02-09T16:00:00Z")]);
}

#[test]
fn the_daily_cap_counts_taken_starts_on_the_mentors_local_date() {
    let mut availability = hours(New_York, Weekday::Mon, time(9, 0), time(17, 0));
    availability.daily_cap = Some(2);
    // 2026-02-02 is a Monday; 02:00Z on the 3rd is still the 2nd in New York.
    let taken = [taken_at("2026-02-02T14:00:00Z", 60), taken_at("2026-02-03T02:00:00Z", 60)];
    let slots = all(&availability, 60, 0, &taken);
    assert!(on(&slots, "2026-02-02").is_empty());
    assert_eq!(on(&slots, "2026-02-09").len(), 8);
    availability.daily_cap = Some(3);
    assert_eq!(on(&all(&availability, 60, 0, &taken), "2026-02-02").len(), 7);
}

#[test]
fn buffers_on_both_sides_keep_clear_of_taken_blocked_ranges() {
    let mut availability = hours(London, Weekday::Mon, time(9, 0), time(13, 0));
    availability.buffer_before_minutes = 15;
    availability.buffer_after_minutes = 15;
    // Booked 11:00-12:00, blocked 10:45-12:15 as stored.
    let taken = [Taken {
        start: at("2026-02-02T11:00:00Z"),
        blocked_from: at("2026-02-02T10:45:00Z"),
        blocked_until: at("2026-02-02T12:15:00Z"),
    }];
    let slots = on(&all(&availability, 60, 15, &taken), "2026-02-02");
    // Last before: 09:00-10:00 blocks until 10:15 <= 10:45, and 09:30 ends +15 at 10:45 (touching).
    // First after: 12:30 blocks from 12:15 (touching).
    assert_eq!(
        starts(&slots),
        vec![at("2026-02-02T09:00:00Z"), at("2026-02-02T09:15:00Z"), at("2026-02-02T09:30:00Z")]
    );
    let late = Slot { start: at("2026-02-02T12:30:00Z"), end: at("2026-02-02T13:30:00Z") };
    assert!(!availability.offers(late, now(), &taken), "runs past 13:00");
    assert_eq!(availability.blocked(slots[0]), (at("2026-02-02T08:45:00Z"), at("2026-02-02T10:15:00Z")));
}

#[test]
fn notice_horizon_and_the_requested_range_clip_the_list() {
    let mut availability = hours(London, Weekday::Mon, time(9, 0), time(12, 0));
    availability.minimum_notice_minutes = 90;
    availability.horizon_days = 7;
    let now = at("2026-02-02T08:00:00Z");
    let slots = availability.free_slots(60, 0, now, DateTime::<Utc>::MIN_UTC, DateTime::<Utc>::MAX_UTC, &[]);
    // 09:00 is under 90 minutes away; next Monday 09:00 is 7 days + 1 hour away.
    assert_eq!(starts(&slots), vec![at("2026-02-02T10:00:00Z"), at("2026-02-02T11:00:00Z")]);
    let clipped = availability.free_slots(60, 0, now, at("2026-02-02T10:30:00Z"), at("2026-02-03T00:00:00Z"), &[]);
    assert_eq!(starts(&clipped), vec![at("2026-02-02T11:00:00Z")]);
    let too_soon = Slot { start: at("2026-02-02T09:00:00Z"), end: at("2026-02-02T10:00:00Z") };
    assert!(!availability.offers(too_soon, now, &[]));
}

#[test]
fn odd_requests_give_no_slots_rather_than_panicking() {
    let mut availability = hours(London, Weekday::Mon, time(12, 0), time(9, 0)); // end before start
    assert!(all(&availability, 60, 0, &[]).is_empty());
    availability.weekly[0] = WeeklyWindow { weekday: Weekday::Mon, start: time(9, 0), end: time(10, 0) };
    assert!(all(&availability, 0, 0, &[]).is_empty(), "zero length");
    assert!(all(&availability, u32::MAX, 0, &[]).is_empty(), "longer than any window");
    availability.horizon_days = u32::MAX;
    availability.minimum_notice_minutes = u32::MAX;
    let far = availability.free_slots(60, 0, DateTime::<Utc>::MAX_UTC, now(), now(), &[]);
    assert!(far.is_empty());
    let backwards = Slot { start: at("2026-02-02T10:00:00Z"), end: at("2026-02-02T09:00:00Z") };
    assert!(!availability.offers(backwards, now(), &[]));
    let odd_length = Slot { start: at("2026-02-02T09:00:00Z"), end: at("2026-02-02T09:30:30Z") };
    assert!(!availability.offers(odd_length, now(), &[]));
}

#[test]
fn offers_accepts_any_listing_step_and_offers_on_step_only_its_own() {
    let availability = hours(London, Weekday::Mon, time(9, 0), time(12, 0));
    let off_grid = Slot { start: at("2026-02-02T09:10:00Z"), end: at("2026-02-02T10:10:00Z") };
    assert!(availability.offers(off_grid, now(), &[]), "a step of 10 or 5 lists it");
    assert!(availability.offers_on_step(off_grid, 10, now(), &[]));
    assert!(!availability.offers_on_step(off_grid, 15, now(), &[]));
    let seconds = Slot { start: at("2026-02-02T09:10:30Z"), end: at("2026-02-02T10:10:30Z") };
    assert!(!availability.offers(seconds, now(), &[]));
}

#[test]
fn labels_read_like_a_person_would_say_them() {
    let instant = at("2026-11-30T14:00:00Z");
    assert_eq!(local_label(instant, London), "Mon 30 Nov, 14:00");
    assert_eq!(zone_abbreviation(instant, London), "GMT");
    assert_eq!(local_label(instant, New_York), "Mon 30 Nov, 09:00");
    assert_eq!(zone_abbreviation(instant, New_York), "EST");
}
