-- Devices, period grids, holidays and bookings. sqlite flavour; keep in step with the other
-- folder (same tables, columns, constraints and indexes).
CREATE TABLE devices (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    school_id INTEGER NOT NULL REFERENCES schools(id),
    name TEXT NOT NULL,
    kind TEXT NOT NULL CHECK (kind IN ('interactive_display', 'projector', 'document_camera',
        'tablet_cart', 'laptop_cart', 'vr_kit', 'stem_kit', 'tv', 'other')),
    serial TEXT,
    room TEXT,
    quantity INTEGER NOT NULL DEFAULT 1 CHECK (quantity >= 1),
    status TEXT NOT NULL DEFAULT 'available' CHECK (status IN ('available', 'in_repair', 'retired')),
    search_key TEXT NOT NULL,
    created_at INTEGER NOT NULL,
    updated_at INTEGER NOT NULL
);
CREATE INDEX devices_school_kind ON devices(school_id, kind);
CREATE UNIQUE INDEX devices_school_serial ON devices(school_id, serial) WHERE serial IS NOT NULL;

-- A device's maintenance history.
CREATE TABLE device_notes (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    device_id INTEGER NOT NULL REFERENCES devices(id),
    at INTEGER NOT NULL,
    author_id INTEGER REFERENCES users(id),
    author_name TEXT NOT NULL,
    status TEXT CHECK (status IN ('available', 'in_repair', 'retired')),
    text TEXT NOT NULL
);
CREATE INDEX device_notes_device ON device_notes(device_id, at);

-- A school's own bell schedule; a school without rows uses the default grid of its level.
CREATE TABLE periods (
    school_id INTEGER NOT NULL REFERENCES schools(id),
    number INTEGER NOT NULL CHECK (number BETWEEN 1 AND 10),
    session TEXT NOT NULL CHECK (session IN ('morning', 'afternoon')),
    starts TEXT NOT NULL,
    ends TEXT NOT NULL,
    PRIMARY KEY (school_id, number)
);

CREATE TABLE booking_rules (
    school_id INTEGER PRIMARY KEY REFERENCES schools(id),
    release_after_minutes INTEGER NOT NULL CHECK (release_after_minutes BETWEEN 5 AND 240)
);

CREATE TABLE holidays (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    school_id INTEGER NOT NULL REFERENCES schools(id),
    starts TEXT NOT NULL,
    ends TEXT NOT NULL,
    name TEXT NOT NULL,
    CHECK (starts <= ends)
);
CREATE INDEX holidays_school ON holidays(school_id, starts);

CREATE TABLE bookings (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    school_id INTEGER NOT NULL REFERENCES schools(id),
    device_id INTEGER NOT NULL REFERENCES devices(id),
    teacher_id INTEGER NOT NULL REFERENCES users(id),
    date TEXT NOT NULL,
    quantity INTEGER NOT NULL CHECK (quantity >= 1),
    class_id INTEGER,
    note TEXT,
    status TEXT NOT NULL CHECK (status IN ('booked', 'in_use', 'returned', 'cancelled', 'released')),
    series_id INTEGER,
    periods TEXT NOT NULL,
    first_period INTEGER NOT NULL,
    created_at INTEGER NOT NULL,
    updated_at INTEGER NOT NULL,
    checked_in_at INTEGER,
    checked_out_at INTEGER
);
CREATE INDEX bookings_device_date ON bookings(device_id, date);
CREATE INDEX bookings_teacher_date ON bookings(teacher_id, date);
CREATE INDEX bookings_school_date ON bookings(school_id, date);
CREATE INDEX bookings_status_date ON bookings(status, date);

-- One row per period of a booking. `live` is 1 while the booking holds the period (booked, in
-- use, returned); `pooled` is 0 for a tagged device, which can have one live booking per
-- date and period: the unique index below holds that rule in the database itself.
CREATE TABLE booking_slots (
    booking_id INTEGER NOT NULL REFERENCES bookings(id),
    device_id INTEGER NOT NULL REFERENCES devices(id),
    date TEXT NOT NULL,
    period INTEGER NOT NULL,
    quantity INTEGER NOT NULL CHECK (quantity >= 1),
    pooled INTEGER NOT NULL CHECK (pooled IN (0, 1)),
    live INTEGER NOT NULL CHECK (live IN (0, 1)),
    PRIMARY KEY (booking_id, period)
);
CREATE UNIQUE INDEX booking_slots_one_tagged ON booking_slots(device_id, date, period)
    WHERE live = 1 AND pooled = 0;
CREATE INDEX booking_slots_device_date ON booking_slots(device_id, date, period);
