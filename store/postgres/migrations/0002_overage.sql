-- Overage is what calls cost beyond their reservations (an upstream that
-- billed past the bound asked for): recorded, never charged to a budget.
-- overage_open is the part not yet acknowledged by setting the key's
-- budget; while it is above zero the key is refused every reservation.
ALTER TABLE keys ADD COLUMN overage BIGINT NOT NULL DEFAULT 0;
ALTER TABLE keys ADD COLUMN overage_open BIGINT NOT NULL DEFAULT 0;
