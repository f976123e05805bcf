//! The disclosure attacker: publications made by the engine, attacked with linear programming
//! by code written apart from it (`attacker`), on demo-like worlds, many small random worlds
//! and the hand-built shapes of earlier leaks. Negative controls weaken a publication and
//! show the attacker then finds what it should.
//!
//! `cargo test -p veilig-tests --test attack -- --nocapture`; 1,000 random worlds by default,
//! `VEILIG_ATTACK_CASES=N` for another number (`VEILIG_ATTACK_SEED` to start elsewhere,
//! `VEILIG_ATTACK_K` for one k instead of 10 and 15).

mod attacker;
mod controls;
mod lp;
mod shapes;
mod world;
mod worlds;
