//! A school's devices: tagged devices and pools (a cart of 30 tablets), their states and
//! maintenance notes, and the pages that show them with what the caller may do (plain Rust, also
//! compiled to wasm, so the UI and the services share the types).

use crate::ids::{DeviceId, DeviceNoteId, SchoolId};
use crate::model::SchoolRef;
use crate::text::fold;
use serde::{Deserialize, Serialize};

/// The kinds of device (API.md).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum DeviceKind {
    /// Interactive display / board (màn hình tương tác).
    InteractiveDisplay,
    /// Projector (máy chiếu).
    Projector,
    /// Document camera (máy chiếu vật thể).
    DocumentCamera,
    /// A cart of tablets (a pool).
    TabletCart,
    /// A cart of laptops (a pool).
    LaptopCart,
    /// VR kit (kính thực tế ảo).
    VrKit,
    /// Robotics / STEM kit.
    StemKit,
    /// Smart TV.
    Tv,
    /// Anything else.
    Other,
}

impl DeviceKind {
    /// Every kind, in the order the UI lists them.
    pub const ALL: [DeviceKind; 9] = [
        DeviceKind::InteractiveDisplay,
        DeviceKind::Projector,
        DeviceKind::DocumentCamera,
        DeviceKind::TabletCart,
        DeviceKind::LaptopCart,
        DeviceKind::VrKit,
        DeviceKind::StemKit,
        DeviceKind::Tv,
        DeviceKind::Other,
    ];

    /// The API code.
    pub fn as_str(self) -> &'static str {
        match self {
            DeviceKind::InteractiveDisplay => "interactive_display",
            DeviceKind::Projector => "projector",
            DeviceKind::DocumentCamera => "document_camera",
            DeviceKind::TabletCart => "tablet_cart",
            DeviceKind::LaptopCart => "laptop_cart",
            DeviceKind::VrKit => "vr_kit",
            DeviceKind::StemKit => "stem_kit",
            DeviceKind::Tv => "tv",
            DeviceKind::Other => "other",
        }
    }

    /// Parses the API code, or the kind's name in Vietnamese or English as people type it in a
    /// spreadsheet (case and diacritics ignored).
    pub fn parse(s: &str) -> Option<DeviceKind> {
        let key = fold(s).replace(['_', '-'], " ");
        let key = key.split_whitespace().collect::<Vec<_>>().join(" ");
        if let Some(k) = DeviceKind::ALL
            .into_iter()
            .find(|k| k.as_str().replace('_', " ") == key)
        {
            return Some(k);
        }
        match key.as_str() {
            "man hinh tuong tac" | "bang tuong tac" | "interactive board" | "smart board" => {
                Some(DeviceKind::InteractiveDisplay)
            }
            "may chieu" => Some(DeviceKind::Projector),
            "may chieu vat the" | "visualizer" => Some(DeviceKind::DocumentCamera),
            "xe may tinh bang" | "tu may tinh bang" | "may tinh bang" | "tablets" => {
                Some(DeviceKind::TabletCart)
            }
            "xe may tinh xach tay" | "may tinh xach tay" | "laptops" => {
                Some(DeviceKind::LaptopCart)
            }
            "kinh thuc te ao" | "bo vr" | "vr" => Some(DeviceKind::VrKit),
            "bo stem" | "robot" | "stem" => Some(DeviceKind::StemKit),
            "tivi" | "smart tv" | "ti vi" => Some(DeviceKind::Tv),
            "khac" => Some(DeviceKind::Other),
            _ => None,
        }
    }

    /// The translation key of the kind's name.
    pub fn label_key(self) -> &'static str {
        match self {
            DeviceKind::InteractiveDisplay => "kind.interactive_display",
            DeviceKind::Projector => "kind.projector",
            DeviceKind::DocumentCamera => "kind.document_camera",
            DeviceKind::TabletCart => "kind.tablet_cart",
            DeviceKind::LaptopCart => "kind.laptop_cart",
            DeviceKind::VrKit => "kind.vr_kit",
            DeviceKind::StemKit => "kind.stem_kit",
            DeviceKind::Tv => "kind.tv",
            DeviceKind::Other => "kind.other",
        }
    }

    /// The icon (a symbol of `public/icons.svg`).
    pub fn icon(self) -> &'static str {
        match self {
            DeviceKind::InteractiveDisplay | DeviceKind::Tv => "monitor",
            DeviceKind::Projector | DeviceKind::DocumentCamera => "projector",
            DeviceKind::TabletCart | DeviceKind::LaptopCart => "tablet",
            DeviceKind::VrKit => "vr",
            DeviceKind::StemKit | DeviceKind::Other => "box",
        }
    }
}

/// A device's state in its life.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum DeviceStatus {
    /// In service: can be booked.
    Available,
    /// Broken, at the repairer: cannot be booked.
    InRepair,
    /// Out of service for good: cannot be booked, kept for history.
    Retired,
}

impl DeviceStatus {
    /// Every status.
    pub const ALL: [DeviceStatus; 3] = [
        DeviceStatus::Available,
        DeviceStatus::InRepair,
        DeviceStatus::Retired,
    ];

    /// The API code.
    pub fn as_str(self) -> &'static str {
        match self {
            DeviceStatus::Available => "available",
            DeviceStatus::InRepair => "in_repair",
            DeviceStatus::Retired => "retired",
        }
    }

    /// Parses the API code.
    pub fn parse(s: &str) -> Option<DeviceStatus> {
        DeviceStatus::ALL
            .into_iter()
            .find(|k| k.as_str() == s.trim())
    }

    /// The translation key of the status's name.
    pub fn label_key(self) -> &'static str {
        match self {
            DeviceStatus::Available => "device_status.available",
            DeviceStatus::InRepair => "device_status.in_repair",
            DeviceStatus::Retired => "device_status.retired",
        }
    }
}

/// A device of a school's inventory: one tagged device (quantity 1) or a pool of identical
/// units (quantity > 1, e.g. a cart of 30 tablets) booked by number.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Device {
    /// Opaque id.
    pub id: DeviceId,
    /// The school that owns it.
    pub school_id: SchoolId,
    /// Name ("Màn hình tương tác phòng 201").
    pub name: String,
    /// Kind.
    pub kind: DeviceKind,
    /// Serial number (unique in the school when given).
    pub serial: Option<String>,
    /// Where it lives.
    pub room: Option<String>,
    /// Units: 1 for a tagged device, N for a pool.
    pub quantity: i64,
    /// Status.
    pub status: DeviceStatus,
    /// Units checked in now (by bookings `in_use`): picked up and not yet given back.
    #[serde(default)]
    pub in_use: i64,
}

impl Device {
    /// Whether this is a pool booked by quantity.
    pub fn is_pool(&self) -> bool {
        self.quantity > 1
    }

    /// The translation key of what the device is doing now: its status, except that an
    /// available device with units checked in is "in use" (a pool: some of its units).
    pub fn state_key(&self) -> &'static str {
        if self.status == DeviceStatus::Available && self.in_use > 0 {
            "device_status.in_use"
        } else {
            self.status.label_key()
        }
    }
}

/// A new device (API.md `{name, kind, serial?, room?, quantity?}`). Text fields are as typed;
/// the service validates and cleans them, reporting every bad field at once.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct DeviceInput {
    /// Name.
    pub name: String,
    /// Kind code.
    pub kind: String,
    /// Serial.
    #[serde(default)]
    pub serial: Option<String>,
    /// Room.
    #[serde(default)]
    pub room: Option<String>,
    /// Units (default 1).
    #[serde(default)]
    pub quantity: Option<i64>,
}

/// Changes to a device (API.md `PATCH /devices/{id}`); absent fields stay as they are, an
/// empty serial or room clears it. A status change may carry a maintenance note.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct DevicePatch {
    /// New name.
    #[serde(default)]
    pub name: Option<String>,
    /// New kind code.
    #[serde(default)]
    pub kind: Option<String>,
    /// New serial ("" clears).
    #[serde(default)]
    pub serial: Option<String>,
    /// New room ("" clears).
    #[serde(default)]
    pub room: Option<String>,
    /// New number of units.
    #[serde(default)]
    pub quantity: Option<i64>,
    /// New status code.
    #[serde(default)]
    pub status: Option<String>,
    /// A maintenance note to add to the device's history.
    #[serde(default)]
    pub note: Option<String>,
}

/// A maintenance note of a device's history.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DeviceNote {
    /// Opaque id.
    pub id: DeviceNoteId,
    /// When (RFC 3339).
    pub at: String,
    /// Who wrote it.
    pub author: String,
    /// The status the device moved to with this note, if it changed.
    pub status: Option<DeviceStatus>,
    /// The text.
    pub text: String,
}

/// A filter for a school's devices.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct DeviceFilter {
    /// Only this kind.
    #[serde(default)]
    pub kind: Option<DeviceKind>,
    /// Only this status.
    #[serde(default)]
    pub status: Option<DeviceStatus>,
    /// Words that must all match name, serial or room (case and diacritics ignored).
    #[serde(default)]
    pub q: Option<String>,
}

/// A school's devices as the inventory page shows them, with what the caller may do.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Inventory {
    /// The school.
    pub school: SchoolRef,
    /// Its devices matching the filter, by kind then name.
    pub devices: Vec<Device>,
    /// Whether the caller manages the inventory (add, edit, import, labels).
    pub may_manage: bool,
}

/// What the caller may do with a school's inventory, for the page's buttons and forms (the
/// services check again on every request).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct DeviceAccess {
    /// Add, edit and import devices, print labels.
    pub may_manage: bool,
    /// Download the inventory as CSV (those who keep or oversee it, not teachers).
    pub may_export: bool,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn kinds() {
        assert_eq!(DeviceKind::parse("Máy chiếu"), Some(DeviceKind::Projector));
        assert_eq!(
            DeviceKind::parse("tablet_cart"),
            Some(DeviceKind::TabletCart)
        );
        assert_eq!(
            DeviceKind::parse("Tablet cart"),
            Some(DeviceKind::TabletCart)
        );
        assert_eq!(DeviceKind::parse("bàn"), None);
        for k in DeviceKind::ALL {
            assert_eq!(DeviceKind::parse(k.as_str()), Some(k));
        }
    }
}
