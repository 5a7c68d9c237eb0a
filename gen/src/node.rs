//! The node binding's declarations. (Being written: see issue 22.)

use crate::model::Description;
use crate::Generated;

/// Every generated file of the node binding.
pub fn files(_d: &Description) -> Vec<Generated> {
    Vec::new()
}
