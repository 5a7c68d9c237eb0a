//! Every scenario of tests/vectors/rooms.json (made by an independent Python
//! model, tests/vectors/gen_rooms.py) through the memory ledger.

mod common;

use voipsign::rooms::Ledger;

#[test]
fn every_scenario_and_step() {
    common::rooms_table::run_all(|_, rules| Ledger::memory(rules));
}
