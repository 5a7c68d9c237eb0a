//! The go binding's declarations. (Being written: see issue 22.)

use crate::model::Description;
use crate::Generated;

/// Every generated file of the go binding.
pub fn files(_d: &Description) -> Vec<Generated> {
    Vec::new()
}
