//! Free booking slots: a mentor's weekly hours and date overrides, in their own time zone, turned
//! into concrete UTC slots that avoid existing bookings (with their buffers), respect minimum
//! notice, the booking horizon and a daily cap, and behave across daylight-saving changes.
//! Pure logic shared by browser and server; the server re-checks a requested slot with
//! [`Availability::offers`], which follows exactly the same rules as [`Availability::free_slots`].
//!
//! Daylight saving, decided once here:
//! - candidate starts are walked in local wall-clock time from each window's start;
//! - a local time that does not exist (spring-forward gap) yields no slot;
//! - an ambiguous local time (fall-back repeated hour) yields only its earlier instant, so the
//!   same wall-clock start is never offered twice;
//! - a window's bounds are the first instants the clock reads them (for a bound inside a gap,
//!   the instant the gap ends), and a slot must fit between them in real elapsed time.

use chrono::{
    DateTime, Datelike, Duration, LocalResult, NaiveDate, NaiveDateTime, NaiveTime, TimeZone, Timelike, Utc, Weekday,
};
use chrono_tz::Tz;
use std::collections::HashMap;

#[cfg(test)]
mod proptests;
#[cfg(test)]
mod tests;

/// A horizon beyond this many days counts as this many: it bounds the work one listing does.
pub const MAX_HORIZON_DAYS: u32 = 731;

/// A weekly window of the mentor's working hours in their own zone; end > start (same day).
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct WeeklyWindow {
    pub weekday: Weekday,
    pub start: NaiveTime,
    pub end: NaiveTime,
}

/// A date whose weekly hours are replaced: `windows` empty = a day off; otherwise these hours (extra or different).
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct DateOverride {
    pub date: NaiveDate,
    pub windows: Vec<(NaiveTime, NaiveTime)>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Availability {
    pub time_zone: Tz,
    pub weekly: Vec<WeeklyWindow>,
    pub overrides: Vec<DateOverride>,
    pub buffer_before_minutes: u32,
    pub buffer_after_minutes: u32,
    pub minimum_notice_minutes: u32,
    pub horizon_days: u32,
    /// At most this many live sessions on one local date of the mentor's; None = no cap.
    pub daily_cap: Option<u32>,
}

/// An existing live booking of the mentor: its start and end, and its blocked range (start minus its buffer before, end plus its buffer after) exactly as the database stores it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Taken {
    pub start: DateTime<Utc>,
    pub blocked_from: DateTime<Utc>,
    pub blocked_until: DateTime<Utc>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, serde::Serialize, serde::Deserialize)]
pub struct Slot {
    pub start: DateTime<Utc>,
    pub end: DateTime<Utc>,
}

/// What every candidate is checked against, worked out once per call.
struct Limits<'a> {
    earliest_start: DateTime<Utc>,
    /// Starts must be strictly before this.
    latest_start: DateTime<Utc>,
    taken: &'a [Taken],
    /// Taken starts per local date, only when there is a daily cap.
    taken_per_date: HashMap<NaiveDate, u32>,
}

impl Availability {
    /// Free slots of `length_minutes` between `from` and `until` (clipped to now + notice .. now + horizon), in order, starting every `step_minutes` from each window's start (step 0 means step = length). A slot is free when it lies wholly inside one window of its local date (after the override), starts at or after now + minimum notice and before now + horizon_days, its blocked range [start - buffer_before, end + buffer_after) overlaps no Taken's blocked range, and its local date has fewer than daily_cap Taken starts.
    ///
    /// `from` and `until` bound the slots' starts: `from <= start < until`. A length of 0 gives no slots.
    pub fn free_slots(
        &self,
        length_minutes: u32,
        step_minutes: u32,
        now: DateTime<Utc>,
        from: DateTime<Utc>,
        until: DateTime<Utc>,
        taken: &[Taken],
    ) -> Vec<Slot> {
        let step_minutes = if step_minutes == 0 { length_minutes } else { step_minutes };
        let Some(limits) = self.limits(now, taken) else {
            return Vec::new();
        };
        let lower = limits.earliest_start.max(from);
        let upper = limits.latest_start.min(until);
        if length_minutes == 0 || lower >= upper {
            return Vec::new();
        }
        let length = Duration::minutes(i64::from(length_minutes));
        let step = Duration::minutes(i64::from(step_minutes));
        // A slot's local date is its start's; one day either side covers any offset quirk.
        let first_date = lower.with_timezone(&self.time_zone).date_naive().pred_opt();
        let last_date = upper.with_timezone(&self.time_zone).date_naive().succ_opt();
        let (Some(mut date), Some(last_date)) = (first_date, last_date) else {
            return Vec::new();
        };

        let mut slots = Vec::new();
        while date <= last_date {
            for (window_start, window_end) in self.windows_on(date) {
                let end = date.and_time(window_end);
                let mut local = date.and_time(window_start);
                while local < end {
                    if let Some(slot) = self.check_candidate(date, (window_start, window_end), local, length, &limits) {
                        if slot.start >= lower && slot.start < upper {
                            slots.push(slot);
                        }
                    }
                    match local.checked_add_signed(step) {
                        Some(next) => local = next,
                        None => break,
                    }
                }
            }
            match date.succ_opt() {
                Some(next) => date = next,
                None => break,
            }
        }
        // Overlapping windows can propose the same slot twice.
        slots.sort_unstable();
        slots.dedup();
        slots
    }

    /// Whether this exact slot is one `free_slots` would offer (the server re-checks a requested slot with it).
    ///
    /// Any whole-minute step is accepted, so whatever step the listing used, its slots pass:
    /// the slot must start a whole number of minutes after its window's start. Use
    /// [`Availability::offers_on_step`] to also insist on one listing's step.
    pub fn offers(&self, slot: Slot, now: DateTime<Utc>, taken: &[Taken]) -> bool {
        self.offers_on_step(slot, 1, now, taken)
    }

    /// Whether `free_slots` with this `step_minutes` (0 = the slot's length) would offer `slot`.
    pub fn offers_on_step(&self, slot: Slot, step_minutes: u32, now: DateTime<Utc>, taken: &[Taken]) -> bool {
        let length = slot.end - slot.start;
        let whole_minutes = length.num_seconds() % 60 == 0 && length.subsec_nanos() == 0;
        let Ok(length_minutes) = u32::try_from(length.num_minutes()) else {
            return false;
        };
        if !whole_minutes || length_minutes == 0 {
            return false;
        }
        let step_minutes = if step_minutes == 0 { length_minutes } else { step_minutes };
        let step_seconds = i64::from(step_minutes) * 60;
        let Some(limits) = self.limits(now, taken) else {
            return false;
        };
        let local = slot.start.with_timezone(&self.time_zone).naive_local();
        let date = local.date();
        self.windows_on(date).into_iter().any(|(window_start, window_end)| {
            let offset = local - date.and_time(window_start);
            let on_grid =
                offset >= Duration::zero() && offset.subsec_nanos() == 0 && offset.num_seconds() % step_seconds == 0;
            on_grid
                && local < date.and_time(window_end)
                && self.check_candidate(date, (window_start, window_end), local, length, &limits) == Some(slot)
        })
    }

    /// The blocked range of a session at `slot` under these buffers.
    pub fn blocked(&self, slot: Slot) -> (DateTime<Utc>, DateTime<Utc>) {
        let before = Duration::minutes(i64::from(self.buffer_before_minutes));
        let after = Duration::minutes(i64::from(self.buffer_after_minutes));
        (
            slot.start.checked_sub_signed(before).unwrap_or(DateTime::<Utc>::MIN_UTC),
            slot.end.checked_add_signed(after).unwrap_or(DateTime::<Utc>::MAX_UTC),
        )
    }

    /// The working hours of a local date: its override's when it has one, else the weekly ones.
    /// Windows that don't end after they start are ignored rather than trusted.
    pub fn windows_on(&self, date: NaiveDate) -> Vec<(NaiveTime, NaiveTime)> {
        let overridden: Vec<&DateOverride> = self.overrides.iter().filter(|o| o.date == date).collect();
        let windows: Vec<(NaiveTime, NaiveTime)> = if overridden.is_empty() {
            self.weekly.iter().filter(|w| w.weekday == date.weekday()).map(|w| (w.start, w.end)).collect()
        } else {
            overridden.iter().flat_map(|o| o.windows.iter().copied()).collect()
        };
        windows.into_iter().filter(|(start, end)| end > start).collect()
    }

    /// Notice, horizon and the daily-cap counts; `None` when `now` is too near the end of time
    /// for any slot to exist.
    fn limits<'a>(&self, now: DateTime<Utc>, taken: &'a [Taken]) -> Option<Limits<'a>> {
        let notice = Duration::minutes(i64::from(self.minimum_notice_minutes));
        let horizon = Duration::days(i64::from(self.horizon_days.min(MAX_HORIZON_DAYS)));
        let earliest_start = now.checked_add_signed(notice)?;
        let latest_start = now.checked_add_signed(horizon).unwrap_or(DateTime::<Utc>::MAX_UTC);
        let mut taken_per_date = HashMap::new();
        if self.daily_cap.is_some() {
            for booking in taken {
                let date = booking.start.with_timezone(&self.time_zone).date_naive();
                *taken_per_date.entry(date).or_insert(0u32) += 1;
            }
        }
        Some(Limits { earliest_start, latest_start, taken, taken_per_date })
    }

    /// The slot starting at wall-clock `local` on `date` in `window`, if every rule allows it.
    fn check_candidate(
        &self,
        date: NaiveDate,
        window: (NaiveTime, NaiveTime),
        local: NaiveDateTime,
        length: Duration,
        limits: &Limits<'_>,
    ) -> Option<Slot> {
        let start = match self.time_zone.from_local_datetime(&local) {
            LocalResult::Single(instant) => instant.with_timezone(&Utc),
            // The earlier of a repeated hour only: the later would repeat the same label.
            LocalResult::Ambiguous(earlier, _) => earlier.with_timezone(&Utc),
            LocalResult::None => return None,
        };
        let end = start.checked_add_signed(length)?;
        let window_start = first_instant_reading(self.time_zone, date.and_time(window.0))?;
        let window_end = first_instant_reading(self.time_zone, date.and_time(window.1))?;
        if start < window_start || end > window_end {
            return None;
        }
        if start < limits.earliest_start || start >= limits.latest_start {
            return None;
        }
        if let Some(cap) = self.daily_cap {
            if limits.taken_per_date.get(&date).copied().unwrap_or(0) >= cap {
                return None;
            }
        }
        let slot = Slot { start, end };
        let (blocked_from, blocked_until) = self.blocked(slot);
        let clashes = limits
            .taken
            .iter()
            .any(|booking| blocked_from < booking.blocked_until && booking.blocked_from < blocked_until);
        (!clashes).then_some(slot)
    }
}

/// The first instant the local clock reads `local`: the earlier of a repeated time, or for a time
/// skipped by a spring-forward gap, the instant the gap ends. `None` only at the ends of time.
pub fn first_instant_reading(zone: Tz, local: NaiveDateTime) -> Option<DateTime<Utc>> {
    match zone.from_local_datetime(&local) {
        LocalResult::Single(instant) => Some(instant.with_timezone(&Utc)),
        LocalResult::Ambiguous(earlier, _) => Some(earlier.with_timezone(&Utc)),
        LocalResult::None => {
            // Gaps start and end on whole minutes and last at most a day (Samoa skipped
            // 30 Dec 2011), so the first minute after `local` that exists is where the gap ends.
            let minute = local.with_second(0)?.with_nanosecond(0)?;
            (1..=(24 * 60 + 1)).find_map(|minutes| {
                let later = minute.checked_add_signed(Duration::minutes(minutes))?;
                match zone.from_local_datetime(&later) {
                    LocalResult::Single(instant) | LocalResult::Ambiguous(instant, _) => {
                        Some(instant.with_timezone(&Utc))
                    }
                    LocalResult::None => None,
                }
            })
        }
    }
}

/// A slot's start as the mentor or student reads it in `zone`, e.g. "Mon 30 Nov, 14:00".
pub fn local_label(instant: DateTime<Utc>, zone: Tz) -> String {
    instant.with_timezone(&zone).format("%a %-d %b, %H:%M").to_string()
}

/// The zone's abbreviation in force at `instant`, e.g. "GMT", "BST", "EST"; zones without a
/// common one give their offset, e.g. "+0545".
pub fn zone_abbreviation(instant: DateTime<Utc>, zone: Tz) -> String {
    instant.with_timezone(&zone).format("%Z").to_string()
}
