//! What every response carries so that its figures can be traced to the
//! code and the data that produced them (`debtcalc.v1.Provenance`): the
//! debtcalc version and the content hashes of the reference data and the
//! settlement library, fixed when the data is loaded at start.

use std::sync::Arc;

use super::pb::debtcalc::v1 as pb;
use crate::domain::reconciliation::ReferenceData;

/// The debtcalc release: the Cargo package version.
pub const DEBTCALC_VERSION: &str = env!("CARGO_PKG_VERSION");

/// The provenance of every response of one server (cheap to clone).
#[derive(Debug, Clone, PartialEq)]
pub struct Provenance(Arc<pb::Provenance>);

impl Provenance {
    /// The provenance of answers from `reference` (labelled
    /// `reference_source`) and the settlement library of `library_version`
    /// (`SettlementLibrary::version`) from `library_source`.
    pub fn new(
        reference: &ReferenceData,
        reference_source: &str,
        library_version: &str,
        library_source: &str,
    ) -> Self {
        Self(Arc::new(pb::Provenance {
            debtcalc_version: DEBTCALC_VERSION.to_string(),
            reference_data_version: reference.version().to_string(),
            reference_data_source: reference_source.to_string(),
            settlement_library_version: library_version.to_string(),
            settlement_library_source: library_source.to_string(),
        }))
    }

    /// While the library itself is being loaded (and validated by running
    /// its requests, whose answers are discarded): no library yet.
    pub(crate) fn without_library(reference: &ReferenceData, reference_source: &str) -> Self {
        Self::new(reference, reference_source, "", "")
    }

    /// The message, for a response.
    pub fn to_pb(&self) -> Option<pb::Provenance> {
        Some((*self.0).clone())
    }
}
