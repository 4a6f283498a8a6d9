//! Integration tests: the real server on port 0, over SQLite and over
//! PostgreSQL (every test runs on both).

mod helpers;

mod activities;
mod audit;
mod auth;
mod authorization;
mod claims;
mod completion;
mod credits;
mod csrf;
mod duties;
mod evidence;
mod home;
mod i18n;
mod mentoring;
mod openapi;
mod platform;
mod province;
mod reliability;
mod rule_sets;
mod studios;
mod teachers;
mod tenancy;
mod tokens;
mod users;
