//! Helpers shared by the integration tests.
pub mod redis_servers;
pub mod rooms_table;
pub mod topology;
