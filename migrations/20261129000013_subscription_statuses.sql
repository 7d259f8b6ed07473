-- A subscription waiting for its first payment (Stripe calls it the same): created when someone
-- subscribes without a trial, made active by the payment-succeeded event, expired after a day
-- unpaid. Its own migration: PostgreSQL cannot use an enum value in the transaction that adds it.
alter type subscription_status add value if not exists 'incomplete' before 'trialing';
