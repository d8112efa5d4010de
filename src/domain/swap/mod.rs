//! Debt swaps: operations that retire debt in exchange for something the
//! debtor commits to (a counterpart, a conservation programme) or for new,
//! cheaper debt.

pub mod buyback;
