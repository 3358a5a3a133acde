//! Typed ids, so a user id can never be passed where a school id is expected.

use serde::{Deserialize, Serialize};
use std::fmt;

macro_rules! id_type {
    ($(#[$doc:meta])* $name:ident) => {
        $(#[$doc])*
        #[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
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
    };
}

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
