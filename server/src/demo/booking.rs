//! The demo's mentoring: the three mentors' listings (session types, weekly hours, who sees
//! them), Sam's career goal (nursing) and his sessions with Amara, one coming up and one past
//! with a review, so a new installation shows the directory, a mentor's free times and both
//! dashboards with real rows.
//! Loaded as the owner: the history (a completed session) is written as it stands, which the
//! product itself only reaches step by step.

use super::{DemoError, Tx, UserIds};
use chrono::{DateTime, Datelike, Duration, NaiveTime, TimeZone, Utc, Weekday};
use chrono_tz::Tz;
use uuid::Uuid;

struct SessionTypeSeed {
    title: &'static str,
    description: &'static str,
    minutes: i32,
    price_minor: i64,
    currency: &'static str,
    free_intro: bool,
}

struct ListingSeed {
    username: &'static str,
    headline: &'static str,
    languages: &'static [&'static str],
    careers: &'static [&'static str],
    public: bool,
    requires_approval: bool,
    contact_note: &'static str,
    meeting_url: &'static str,
    buffer_after: i32,
    /// (ISO weekday 1-7, start, end) in the mentor's zone.
    hours: &'static [(i16, &'static str, &'static str)],
    types: &'static [SessionTypeSeed],
}

const LISTINGS: [ListingSeed; 3] = [
    ListingSeed {
        username: "amara",
        headline: "Paediatric ward lead nurse",
        languages: &["English", "Yoruba"],
        careers: &["29-1141.00", "29-1171.00", "29-1161.00"],
        public: true,
        requires_approval: false,
        contact_note: "Outside Riverside? Ask your school's careers adviser to introduce you through Riverside Career Centre.",
        meeting_url: "https://meet.example.com/amara-okafor",
        buffer_after: 10,
        hours: &[(1, "09:00", "12:00"), (1, "14:00", "17:00"), (3, "09:00", "12:00"), (3, "14:00", "17:00"), (5, "10:00", "15:00")],
        types: &[
            SessionTypeSeed { title: "Free introduction", description: "Fifteen minutes to say hello and see whether nursing is worth a closer look.", minutes: 15, price_minor: 0, currency: "GBP", free_intro: true },
            SessionTypeSeed { title: "Career conversation", description: "Nursing, midwifery or allied health: what the work is like, how to get in, what placements ask of you.", minutes: 45, price_minor: 3500, currency: "GBP", free_intro: false },
        ],
    },
    ListingSeed {
        username: "diego",
        headline: "Software engineer building web services",
        languages: &["English", "Spanish"],
        careers: &["15-1252.00", "15-1254.00"],
        public: true,
        requires_approval: true,
        contact_note: "Students outside Riverside can reach me through Riverside Career Centre's front desk.",
        meeting_url: "https://meet.example.com/diego-ramirez",
        buffer_after: 15,
        hours: &[(2, "16:00", "20:00"), (3, "16:00", "20:00"), (4, "16:00", "20:00"), (6, "10:00", "13:00")],
        types: &[
            SessionTypeSeed { title: "Quick question", description: "Twenty minutes on one question about software careers.", minutes: 20, price_minor: 1500, currency: "USD", free_intro: false },
            SessionTypeSeed { title: "Portfolio review", description: "Bring your projects; we go through them the way an interviewer would.", minutes: 60, price_minor: 5500, currency: "USD", free_intro: false },
        ],
    },
    ListingSeed {
        username: "mei",
        headline: "Electrician turned site manager",
        languages: &["English", "Mandarin"],
        careers: &["47-2111.00", "11-9021.00", "47-2031.00"],
        public: false,
        requires_approval: false,
        contact_note: "",
        meeting_url: "https://meet.example.com/mei-chen",
        buffer_after: 0,
        hours: &[(1, "07:00", "10:00"), (2, "07:00", "10:00"), (3, "07:00", "10:00"), (4, "07:00", "10:00")],
        types: &[
            SessionTypeSeed { title: "Trades chat", description: "Half an hour on apprenticeships and the trades.", minutes: 30, price_minor: 0, currency: "AUD", free_intro: true },
            SessionTypeSeed { title: "Apprenticeship planning", description: "An hour to plan applications, licences and the first year on site.", minutes: 60, price_minor: 4000, currency: "AUD", free_intro: false },
        ],
    },
];

fn time(value: &str) -> Result<NaiveTime, DemoError> {
    NaiveTime::parse_from_str(value, "%H:%M").map_err(|_| DemoError::Invalid(format!("demo hours: {value}")))
}

/// Listings, then Sam's two sessions with Amara.
pub async fn insert(tx: &mut Tx, user_ids: &UserIds) -> Result<(), DemoError> {
    let mut amara = None;
    for listing in &LISTINGS {
        let (user_id, org) = user_ids[listing.username];
        let mentor = sqlx::query_scalar!(
            "update mentors set headline = $2, languages = $3, career_codes = $4, visibility = $5::text::listing_visibility,
                    requires_approval = $6, contact_note = $7, meeting_url = $8, buffer_after_minutes = $9,
                    minimum_notice_minutes = 240
              where user_id = $1 and deleted_at is null returning id",
            user_id,
            listing.headline,
            listing.languages as &[&str],
            listing.careers as &[&str],
            if listing.public { "public" } else { "organization" },
            listing.requires_approval,
            listing.contact_note,
            listing.meeting_url,
            listing.buffer_after,
        )
        .fetch_one(&mut **tx)
        .await?;
        for (weekday, start, end) in listing.hours {
            sqlx::query!(
                "insert into mentor_weekly_hours (mentor_id, organization_id, weekday, starts, ends) values ($1, $2, $3, $4, $5)",
                mentor,
                org,
                weekday,
                time(start)? as _,
                time(end)? as _
            )
            .execute(&mut **tx)
            .await?;
        }
        let mut type_ids = Vec::new();
        for (position, kind) in listing.types.iter().enumerate() {
            let id = sqlx::query_scalar!(
                "insert into mentor_session_types (mentor_id, organization_id, title, description, duration_minutes,
                        price_minor, currency, is_free_intro, position)
                 values ($1, $2, $3, $4, $5, $6, $7, $8, $9) returning id",
                mentor,
                org,
                kind.title,
                kind.description,
                kind.minutes,
                kind.price_minor,
                kind.currency,
                kind.free_intro,
                position as i32
            )
            .fetch_one(&mut **tx)
            .await?;
            type_ids.push(id);
        }
        if listing.username == "amara" {
            amara = Some((mentor, org, type_ids[1]));
        }
    }
    let (mentor, org, conversation) = amara.ok_or_else(|| DemoError::Invalid("demo: Amara's listing".into()))?;
    let (sam, _) = user_ids["sam"];
    // Sam is curious about healthcare and has chosen nursing as his goal: the directory puts
    // the mentors in it (Amara) under "mentors in careers that fit you".
    sqlx::query!("insert into career_goals (user_id, organization_id, career_code) values ($1, $2, '29-1141.00')", sam, org)
        .execute(&mut **tx)
        .await?;
    sessions(tx, mentor, org, sam, conversation).await
}

/// 10:00 London time on the first Monday, Wednesday or Friday at least `days` from now.
fn london_morning(days: i64, hour: u32) -> Result<DateTime<Utc>, DemoError> {
    let zone: Tz = chrono_tz::Europe::London;
    let mut date = (Utc::now() + Duration::days(days)).with_timezone(&zone).date_naive();
    while !matches!(date.weekday(), Weekday::Mon | Weekday::Wed | Weekday::Fri) {
        date = date.succ_opt().ok_or_else(|| DemoError::Invalid("demo date".into()))?;
    }
    let local = date.and_hms_opt(hour, 0, 0).ok_or_else(|| DemoError::Invalid("demo time".into()))?;
    zone.from_local_datetime(&local)
        .earliest()
        .map(|t| t.with_timezone(&Utc))
        .ok_or_else(|| DemoError::Invalid("demo time".into()))
}

async fn sessions(tx: &mut Tx, mentor: Uuid, org: Uuid, sam: Uuid, kind: Uuid) -> Result<(), DemoError> {
    let upcoming = london_morning(3, 10)?;
    let past = london_morning(-12, 14)?;
    for (start, status, topic) in [
        (upcoming, "confirmed", "Which nursing degree suits me, and what placements involve"),
        (past, "completed", "Is nursing right for me?"),
    ] {
        let id = sqlx::query_scalar!(
            "insert into bookings (organization_id, mentor_id, student_id, session_type_id, status, scheduled_at, ends_at,
                    topic, meeting_url, price_minor, currency, buffer_after_minutes, created_at, decided_at)
             values ($1, $2, $3, $4, $5::text::booking_status, $6::timestamptz, $6::timestamptz + interval '45 minutes', $7,
                     'https://meet.example.com/amara-okafor', 3500, 'GBP', 10, $6::timestamptz - interval '6 days',
                     $6::timestamptz - interval '6 days')
             returning id",
            org,
            mentor,
            sam,
            kind,
            status,
            start as _,
            topic
        )
        .fetch_one(&mut **tx)
        .await?;
        // Paid with the sandbox's test Visa when it was booked, so Sam's billing page has history.
        sqlx::query!(
            "insert into payments (user_id, organization_id, booking_id, amount_minor, currency, status, provider,
                    fee_minor, card_brand, card_last4, paid_at, receipt_number, created_at)
             select $1, $2, $3, 3500, 'GBP', 'succeeded', 'sandbox', 350, 'visa', '4242', b.created_at,
                    next_receipt_number(b.created_at), b.created_at
               from bookings b where b.id = $3",
            sam,
            org,
            id
        )
        .execute(&mut **tx)
        .await?;
        if status == "confirmed" {
            // What the booking told both of them, so their notification centres (and, with no
            // SMTP server, the outbox) show a living product.
            sqlx::query!(
                "insert into notifications (user_id, organization_id, kind, title, body, payload, status, read_at, created_at)
                 select $1::uuid, $2::uuid, 'payment'::notification_kind, 'Payment received', '£35.00 for Career conversation.',
                        jsonb_build_object('booking_id', b.id, 'payment_id', p.id), 'read'::notification_status,
                        b.created_at, b.created_at
                   from bookings b join payments p on p.booking_id = b.id where b.id = $3
                 union all
                 select $1::uuid, $2::uuid, 'booking', 'Session confirmed',
                        'Amara confirmed your session. The meeting link is on the booking.',
                        jsonb_build_object('booking_id', b.id), 'unread', null::timestamptz, b.created_at + interval '1 minute'
                   from bookings b where b.id = $3
                 union all
                 select m.user_id, $2::uuid, 'booking', 'New session booked', 'Sam Taylor booked a Career conversation with you.',
                        jsonb_build_object('booking_id', b.id), 'unread', null::timestamptz, b.created_at
                   from bookings b join mentors m on m.id = b.mentor_id where b.id = $3",
                sam,
                org,
                id
            )
            .execute(&mut **tx)
            .await?;
        }
        if status == "completed" {
            sqlx::query!(
                "insert into mentor_reviews (booking_id, mentor_id, student_id, organization_id, rating, body)
                 values ($1, $2, $3, $4, 5, $5)",
                id,
                mentor,
                sam,
                org,
                "Amara was honest about the hard parts of ward work and walked me through what each degree's placements \
                 look like. I left with a shortlist and questions for open days."
            )
            .execute(&mut **tx)
            .await?;
        }
    }
    Ok(())
}
