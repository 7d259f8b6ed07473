//! Property tests for slot generation, checked by independent means (minute-by-minute clock
//! readings rather than the module's own window arithmetic): every slot is inside the hours,
//! clear of buffers, honours overrides, notice, horizon and the daily cap, and is never
//! duplicated; and `offers` agrees with `free_slots`.

use super::tests::{at, time};
use super::*;
use proptest::prelude::*;
use std::collections::HashSet;

/// Zones whose offsets are whole quarter hours, with daylight saving of different kinds
/// (including Lord Howe's half-hour shift) and without.
const ZONES: [Tz; 7] = [
    chrono_tz::America::New_York,
    chrono_tz::Europe::London,
    chrono_tz::Australia::Lord_Howe,
    chrono_tz::Asia::Kolkata,
    chrono_tz::Asia::Kathmandu,
    chrono_tz::Pacific::Chatham,
    chrono_tz::America::Santiago,
];

const WEEKDAYS: [Weekday; 7] =
    [Weekday::Mon, Weekday::Tue, Weekday::Wed, Weekday::Thu, Weekday::Fri, Weekday::Sat, Weekday::Sun];

/// A window on the quarter-hour grid; half of them start in the small hours, where DST
/// changes happen.
fn window() -> impl Strategy<Value = (NaiveTime, NaiveTime)> {
    (prop_oneof![0u32..12, 0u32..92], 1u32..16).prop_map(|(start, quarters)| {
        let end = (start + quarters).min(95);
        (time(start / 4, start % 4 * 15), time(end / 4, end % 4 * 15))
    })
}

/// Mostly the weekend, when the zones above change their clocks.
fn weekday() -> impl Strategy<Value = Weekday> {
    prop_oneof![Just(Weekday::Sun), Just(Weekday::Sat), prop::sample::select(WEEKDAYS.to_vec())]
}

/// Starting points a few days before 2026 DST changes of the zones above; each case draws its
/// instants near one of them, so bookings, overrides and requests meet the hours.
fn base() -> impl Strategy<Value = DateTime<Utc>> {
    let bases = [
        "2026-03-05T00:00:00Z",
        "2026-03-26T00:00:00Z",
        "2026-04-02T00:00:00Z",
        "2026-09-03T00:00:00Z",
        "2026-09-24T00:00:00Z",
        "2026-09-29T00:00:00Z",
        "2026-10-22T00:00:00Z",
        "2026-10-29T00:00:00Z",
    ];
    prop::sample::select(bases.to_vec()).prop_map(at)
}

/// An instant on the 15-minute grid within eight days after `base`.
fn near(base: DateTime<Utc>) -> impl Strategy<Value = DateTime<Utc>> {
    (0i64..(8 * 96)).prop_map(move |quarters| base + Duration::minutes(quarters * 15))
}

fn availability(base: DateTime<Utc>) -> impl Strategy<Value = Availability> {
    let weekly = prop::collection::vec(
        (weekday(), window()).prop_map(|(weekday, (start, end))| WeeklyWindow { weekday, start, end }),
        0..6,
    );
    let overrides = prop::collection::vec((near(base), prop::collection::vec(window(), 0..3)), 0..3);
    (
        prop::sample::select(ZONES.to_vec()),
        weekly,
        overrides,
        (0u32..40, 0u32..40),
        0u32..(3 * 24 * 60),
        1u32..12,
        prop::option::of(0u32..4),
    )
        .prop_map(|(time_zone, weekly, overrides, (before, after), notice, horizon, cap)| {
            let overrides = overrides
                .into_iter()
                .map(|(day, windows)| DateOverride { date: day.with_timezone(&time_zone).date_naive(), windows })
                .collect();
            Availability {
                time_zone,
                weekly,
                overrides,
                buffer_before_minutes: before,
                buffer_after_minutes: after,
                minimum_notice_minutes: notice,
                horizon_days: horizon,
                daily_cap: cap,
            }
        })
}

fn taken(base: DateTime<Utc>) -> impl Strategy<Value = Vec<Taken>> {
    prop::collection::vec((near(base), 1i64..8, 0i64..4, 0i64..4), 0..6).prop_map(|bookings| {
        bookings
            .into_iter()
            .map(|(start, quarters, before, after)| Taken {
                start,
                blocked_from: start - Duration::minutes(before * 10),
                blocked_until: start + Duration::minutes(quarters * 15 + after * 10),
            })
            .collect()
    })
}

/// Availability, now, and taken bookings around one base.
fn scenario() -> impl Strategy<Value = (Availability, DateTime<Utc>, Vec<Taken>)> {
    base().prop_flat_map(|base| (availability(base), near(base), taken(base)))
}

fn length() -> impl Strategy<Value = u32> {
    prop::sample::select(vec![15u32, 30, 45, 60, 90])
}

/// The wall clock at `instant` in the availability's zone.
fn clock(availability: &Availability, instant: DateTime<Utc>) -> NaiveDateTime {
    instant.with_timezone(&availability.time_zone).naive_local()
}

/// The hours of a local date, worked out again here from the raw data.
fn hours_on(availability: &Availability, date: NaiveDate) -> Vec<(NaiveTime, NaiveTime)> {
    let overridden: Vec<_> = availability.overrides.iter().filter(|o| o.date == date).collect();
    if overridden.is_empty() {
        availability.weekly.iter().filter(|w| w.weekday == date.weekday()).map(|w| (w.start, w.end)).collect()
    } else {
        overridden.iter().flat_map(|o| o.windows.clone()).collect()
    }
}

/// Inside a window by the clock: it starts at a reading inside the window, and the clock doesn't
/// reach the window's end (reading by reading, minute by minute) before the slot ends.
fn inside_some_window(availability: &Availability, slot: Slot) -> bool {
    let start = clock(availability, slot.start);
    hours_on(availability, start.date()).into_iter().any(|(from, to)| {
        let (from, to) = (start.date().and_time(from), start.date().and_time(to));
        let mut instant = slot.start;
        let mut inside = start >= from;
        while inside && instant < slot.end {
            inside = clock(availability, instant) < to;
            instant += Duration::minutes(1);
        }
        inside
    })
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 512, .. ProptestConfig::default() })]

    #[test]
    fn every_free_slot_keeps_every_rule(
        (availability, now, taken) in scenario(),
        length in length(),
        step in prop::sample::select(vec![0u32, 15, 30]),
    ) {
        let slots = availability.free_slots(
            length, step, now, DateTime::<Utc>::MIN_UTC, DateTime::<Utc>::MAX_UTC, &taken);
        let notice = now + Duration::minutes(i64::from(availability.minimum_notice_minutes));
        let horizon = now + Duration::days(i64::from(availability.horizon_days));
        let mut seen_readings = HashSet::new();
        for pair in slots.windows(2) {
            prop_assert!(pair[0].start < pair[1].start, "in order, never duplicated");
        }
        for slot in &slots {
            prop_assert_eq!(slot.end - slot.start, Duration::minutes(i64::from(length)));
            prop_assert!(inside_some_window(&availability, *slot), "outside the hours: {:?}", slot);
            prop_assert!(slot.start >= notice && slot.start < horizon);
            let (from, until) = (
                slot.start - Duration::minutes(i64::from(availability.buffer_before_minutes)),
                slot.end + Duration::minutes(i64::from(availability.buffer_after_minutes)),
            );
            for booking in &taken {
                prop_assert!(until <= booking.blocked_from || booking.blocked_until <= from,
                    "{:?} clashes with {:?}", slot, booking);
            }
            let date = clock(&availability, slot.start).date();
            if let Some(cap) = availability.daily_cap {
                let that_day = taken.iter()
                    .filter(|b| clock(&availability, b.start).date() == date)
                    .count();
                prop_assert!((that_day as u64) < u64::from(cap));
            }
            prop_assert!(seen_readings.insert(clock(&availability, slot.start)),
                "the same wall-clock start offered twice: {:?}", slot);
            prop_assert!(availability.offers(*slot, now, &taken));
            prop_assert!(availability.offers_on_step(*slot, step, now, &taken));
        }
    }

    #[test]
    fn offers_only_what_the_quarter_hour_listing_holds(
        (availability, now, taken) in scenario(),
        length in length(),
        requests in prop::collection::vec(0i64..(12 * 96), 1..120),
    ) {
        // Requests on the quarter-hour grid from now to just past the longest horizon.
        let requests = requests.into_iter().map(|quarters| now + Duration::minutes(quarters * 15));
        let listed: HashSet<Slot> = availability
            .free_slots(length, 15, now, DateTime::<Utc>::MIN_UTC, DateTime::<Utc>::MAX_UTC, &taken)
            .into_iter()
            .collect();
        let span = Duration::minutes(i64::from(length));
        // A listed start an hour or half an hour later is the repeat of a fall-back reading.
        let listed_starts = listed.iter().flat_map(|s| {
            [0, 30, 60].map(|later| s.start + Duration::minutes(later))
        });
        let listed_starts = listed_starts.map(|start| Slot { start, end: start + span });
        for slot in requests.map(|start| Slot { start, end: start + span }).chain(listed_starts) {
            prop_assert_eq!(
                availability.offers(slot, now, &taken),
                listed.contains(&slot),
                "{:?}", slot
            );
        }
    }
}
