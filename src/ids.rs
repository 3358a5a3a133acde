//! Typed ids, so a user id can never be passed where a school id is expected.

use serde::{Deserialize, Serialize};
use std::fmt;

macro_rules! id_type {
    ($(#[$doc:meta])* $name:ident) => {
        $(#[$doc])*
        #[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
        #[cfg_attr(feature = "server", derive(utoipa::ToSchema))]
        #[serde(transparent)]
        pub struct $name(pub i64);

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                self.0.fmt(f)
            }
        }

        impl std::str::FromStr for $name {
            type Err = std::num::ParseIntError;
            fn from_str(s: &str) -> Result<Self, Self::Err> {
                s.parse().map($name)
            }
        }

        // Read from and bound to the database as the integer it is (both engines).
        #[cfg(feature = "server")]
        impl sqlx::Type<sqlx::Any> for $name {
            fn type_info() -> sqlx::any::AnyTypeInfo {
                <i64 as sqlx::Type<sqlx::Any>>::type_info()
            }
            fn compatible(ty: &sqlx::any::AnyTypeInfo) -> bool {
                <i64 as sqlx::Type<sqlx::Any>>::compatible(ty)
            }
        }

        #[cfg(feature = "server")]
        impl<'r> sqlx::Decode<'r, sqlx::Any> for $name {
            fn decode(
                value: <sqlx::Any as sqlx::Database>::ValueRef<'r>,
            ) -> Result<Self, sqlx::error::BoxDynError> {
                <i64 as sqlx::Decode<'r, sqlx::Any>>::decode(value).map($name)
            }
        }

        #[cfg(feature = "server")]
        impl<'q> sqlx::Encode<'q, sqlx::Any> for $name {
            fn encode_by_ref(
                &self,
                buf: &mut <sqlx::Any as sqlx::Database>::ArgumentBuffer<'q>,
            ) -> Result<sqlx::encode::IsNull, sqlx::error::BoxDynError> {
                <i64 as sqlx::Encode<'q, sqlx::Any>>::encode_by_ref(&self.0, buf)
            }
        }
    };
}

id_type!(
    /// A school's year (`2026-2027`).
    YearId
);
id_type!(
    /// A student of a school.
    StudentId
);
id_type!(
    /// A school in the registry.
    SchoolId
);
id_type!(
    /// A user account.
    UserId
);
id_type!(
    /// An area (commune or ward) of the province.
    AreaId
);
id_type!(
    /// A device or a pool of devices (a tablet cart).
    DeviceId
);
id_type!(
    /// A booking of a device.
    BookingId
);
id_type!(
    /// A school holiday (a day or a range of days).
    HolidayId
);
id_type!(
    /// The weekly series a recurring booking made.
    SeriesId
);
id_type!(
    /// A class of a school year (6A1).
    ClassId
);
id_type!(
    /// A substitution (dạy thay): a teacher standing in for another on a class's lessons.
    SubstituteId
);
id_type!(
    /// A note of a device's maintenance history.
    DeviceNoteId
);
id_type!(
    /// An entry of the audit log.
    AuditId
);
id_type!(
    /// A lesson material (a file or a link) of the library.
    MaterialId
);
