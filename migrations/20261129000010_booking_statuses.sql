-- Booking's own statuses, beside the seed's pending / confirmed / completed / cancelled / no_show:
--   hold      a student picked a slot and it is theirs for a few minutes while they confirm (or,
--             once payments land, pay); it blocks the slot like a live booking;
--   declined  the mentor said no to a request;
--   expired   a hold nobody confirmed in time, or a request nobody answered before it started.
-- Their own migration: PostgreSQL cannot use an enum value in the transaction that adds it.
alter type booking_status add value if not exists 'hold' before 'pending';
alter type booking_status add value if not exists 'declined' after 'cancelled';
alter type booking_status add value if not exists 'expired' after 'declined';
