-- Devices, period grids, holidays and bookings. postgres flavour; keep in step with the other
-- folder (same tables, columns, constraints and indexes).
CREATE TABLE devices (
    id BIGSERIAL PRIMARY KEY,
    school_id BIGINT NOT NULL REFERENCES schools(id),
    name TEXT NOT NULL,
    kind TEXT NOT NULL CHECK (kind IN ('interactive_display', 'projector', 'document_camera',
        'tablet_cart', 'laptop_cart', 'vr_kit', 'stem_kit', 'tv', 'other')),
    serial TEXT,
    room TEXT,
    quantity BIGINT NOT NULL DEFAULT 1 CHECK (quantity >= 1),
    status TEXT NOT NULL DEFAULT 'available' CHECK (status IN ('available', 'in_repair', 'retired')),
    search_key TEXT NOT NULL,
    created_at BIGINT NOT NULL,
    updated_at BIGINT NOT NULL
);
CREATE INDEX devices_school_kind ON devices(school_id, kind);
CREATE UNIQUE INDEX devices_school_serial ON devices(school_id, serial) WHERE serial IS NOT NULL;

-- A device's maintenance history.
CREATE TABLE device_notes (
    id BIGSERIAL PRIMARY KEY,
    device_id BIGINT NOT NULL REFERENCES devices(id),
    at BIGINT NOT NULL,
    author_id BIGINT REFERENCES users(id),
    author_name TEXT NOT NULL,
    status TEXT CHECK (status IN ('available', 'in_repair', 'retired')),
    text TEXT NOT NULL
);
CREATE INDEX device_notes_device ON device_notes(device_id, at);

-- A school's own bell schedule; a school without rows uses the default grid of its level.
CREATE TABLE periods (
    school_id BIGINT NOT NULL REFERENCES schools(id),
    number BIGINT NOT NULL CHECK (number BETWEEN 1 AND 10),
    session TEXT NOT NULL CHECK (session IN ('morning', 'afternoon')),
    starts TEXT NOT NULL,
    ends TEXT NOT NULL,
    PRIMARY KEY (school_id, number)
);

CREATE TABLE booking_rules (
    school_id BIGINT PRIMARY KEY REFERENCES schools(id),
    release_after_minutes BIGINT NOT NULL CHECK (release_after_minutes BETWEEN 5 AND 240)
);

CREATE TABLE holidays (
    id BIGSERIAL PRIMARY KEY,
    school_id BIGINT NOT NULL REFERENCES schools(id),
    starts TEXT NOT NULL,
    ends TEXT NOT NULL,
    name TEXT NOT NULL,
    CHECK (starts <= ends)
);
CREATE INDEX holidays_school ON holidays(school_id, starts);

CREATE TABLE bookings (
    id BIGSERIAL PRIMARY KEY,
    school_id BIGINT NOT NULL REFERENCES schools(id),
    device_id BIGINT NOT NULL REFERENCES devices(id),
    teacher_id BIGINT NOT NULL REFERENCES users(id),
    date TEXT NOT NULL,
    quantity BIGINT NOT NULL CHECK (quantity >= 1),
    class_id BIGINT,
    note TEXT,
    status TEXT NOT NULL CHECK (status IN ('booked', 'in_use', 'returned', 'cancelled', 'released')),
    series_id BIGINT,
    periods TEXT NOT NULL,
    first_period BIGINT NOT NULL,
    created_at BIGINT NOT NULL,
    updated_at BIGINT NOT NULL,
    checked_in_at BIGINT,
    checked_out_at BIGINT
);
CREATE INDEX bookings_device_date ON bookings(device_id, date);
CREATE INDEX bookings_teacher_date ON bookings(teacher_id, date);
CREATE INDEX bookings_school_date ON bookings(school_id, date);
CREATE INDEX bookings_status_date ON bookings(status, date);

-- One row per period of a booking. `live` is 1 while the booking holds the period (booked, in
-- use, returned); `pooled` is 0 for a tagged device, which can have one live booking per
-- date and period: the unique index below holds that rule in the database itself.
CREATE TABLE booking_slots (
    booking_id BIGINT NOT NULL REFERENCES bookings(id),
    device_id BIGINT NOT NULL REFERENCES devices(id),
    date TEXT NOT NULL,
    period BIGINT NOT NULL,
    quantity BIGINT NOT NULL CHECK (quantity >= 1),
    pooled BIGINT NOT NULL CHECK (pooled IN (0, 1)),
    live BIGINT NOT NULL CHECK (live IN (0, 1)),
    PRIMARY KEY (booking_id, period)
);
CREATE UNIQUE INDEX booking_slots_one_tagged ON booking_slots(device_id, date, period)
    WHERE live = 1 AND pooled = 0;
CREATE INDEX booking_slots_device_date ON booking_slots(device_id, date, period);
