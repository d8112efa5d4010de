//! Transport-agnostic dispatch: any debtcalc RPC by its full method name
//! (`debtcalc.v1.RestructuringService/SplitClaim`), on encoded protobuf
//! messages, through the very handlers the server serves (the generated
//! service traits implemented by [`RestructuringApi`], [`ReconciliationApi`]
//! and [`SettlementApi`]). No network: the offline CLI (`debtcalc call`)
//! runs on it, so its answers are the server's by construction.

use std::sync::Arc;

use prost::Message;
use tonic::{Request, Status};

use super::pb::debtcalc::v1 as pb;
use super::pb::debtcalc::v1::chart_service_server::ChartService;
use super::pb::debtcalc::v1::reconciliation_service_server::ReconciliationService;
use super::pb::debtcalc::v1::restructuring_service_server::RestructuringService;
use super::pb::debtcalc::v1::settlement_service_server::SettlementService;
use super::pb::debtcalc::v1::swap_service_server::SwapService;
use super::provenance::Provenance;
use super::settlement_library::SettlementLibrary;
use super::swap_library::SwapLibrary;
use super::{BatchApi, ChartApi, ReconciliationApi, RestructuringApi, SettlementApi, SwapApi};
use crate::api::compute::ComputePool;
use crate::domain::reconciliation::ReferenceData;

/// The debtcalc services, callable by method name.
#[derive(Debug, Clone)]
pub struct Services {
    restructuring: RestructuringApi,
    reconciliation: ReconciliationApi,
    settlement: SettlementApi,
    swap: SwapApi,
    batch: BatchApi,
    chart: ChartApi,
}

/// The streaming RPCs [`Services::call_stream`] serves, by full method name.
pub const STREAM_METHODS: &[&str] = &["debtcalc.v1.BatchService/EvaluateBatch"];

impl Services {
    /// Runs the streaming RPC `method` (one of [`STREAM_METHODS`]) on the
    /// encoded request messages, in order; the encoded answers, in order
    /// (as the server sends them), or the status that ends the stream.
    pub async fn call_stream(
        &self,
        method: &str,
        requests: &[Vec<u8>],
    ) -> Result<Vec<Vec<u8>>, Status> {
        if method != STREAM_METHODS[0] {
            return Err(Status::unimplemented(format!("unknown method {method}")));
        }
        let mut items = Vec::with_capacity(requests.len());
        for request in requests {
            items.push(
                pb::EvaluateBatchRequest::decode(request.as_slice()).map_err(|e| {
                    Status::invalid_argument(format!("cannot decode the request: {e}"))
                })?,
            );
        }
        let answers = self.batch.evaluate_in_order(items).await;
        Ok(answers.iter().map(Message::encode_to_vec).collect())
    }
}

/// One arm per RPC: decode the request, call the handler, encode the
/// response. `$list` receives every full method name, in the order given.
macro_rules! methods {
    ($( $service:literal / $method:literal => $field:ident . $handler:ident ($request:ty) ),* $(,)?) => {
        /// Every RPC [`Services::call`] serves, by full method name
        /// (`package.Service/Method`).
        pub const METHODS: &[&str] = &[$(concat!($service, "/", $method)),*];

        impl Services {
            /// Runs the RPC `method` (a full name of [`METHODS`]) on the
            /// encoded request; the encoded response, or the status the
            /// server would answer. UNIMPLEMENTED for an unknown method, as
            /// a gRPC server answers.
            pub async fn call(&self, method: &str, request: &[u8]) -> Result<Vec<u8>, Status> {
                $(
                    if method == concat!($service, "/", $method) {
                        let request = <$request>::decode(request).map_err(|e| {
                            Status::invalid_argument(format!("cannot decode the request: {e}"))
                        })?;
                        let response = self.$field.$handler(Request::new(request)).await?;
                        return Ok(response.into_inner().encode_to_vec());
                    }
                )*
                Err(Status::unimplemented(format!("unknown method {method}")))
            }
        }
    };
}

methods! {
    "debtcalc.v1.RestructuringService" / "SplitClaim" => restructuring.split_claim(pb::SplitClaimRequest),
    "debtcalc.v1.RestructuringService" / "BuildSchedule" => restructuring.build_schedule(pb::BuildScheduleRequest),
    "debtcalc.v1.RestructuringService" / "ValueRestructuring" => restructuring.value_restructuring(pb::ValueRestructuringRequest),
    "debtcalc.v1.RestructuringService" / "AssessConcessionality" => restructuring.assess_concessionality(pb::AssessConcessionalityRequest),
    "debtcalc.v1.RestructuringService" / "SolveTerms" => restructuring.solve_terms(pb::SolveTermsRequest),
    "debtcalc.v1.RestructuringService" / "ListTermPresets" => restructuring.list_term_presets(pb::ListTermPresetsRequest),
    "debtcalc.v1.RestructuringService" / "SweepValuation" => restructuring.sweep_valuation(pb::SweepValuationRequest),
    "debtcalc.v1.ReconciliationService" / "ListConversionBases" => reconciliation.list_conversion_bases(pb::ListConversionBasesRequest),
    "debtcalc.v1.ReconciliationService" / "ConvertClaim" => reconciliation.convert_claim(pb::ConvertClaimRequest),
    "debtcalc.v1.ReconciliationService" / "ReconcileValuations" => reconciliation.reconcile_valuations(pb::ReconcileValuationsRequest),
    "debtcalc.v1.SettlementService" / "AnalyzeSettlement" => settlement.analyze_settlement(pb::AnalyzeSettlementRequest),
    "debtcalc.v1.SettlementService" / "ListSettlements" => settlement.list_settlements(pb::ListSettlementsRequest),
    "debtcalc.v1.SettlementService" / "GetSettlement" => settlement.get_settlement(pb::GetSettlementRequest),
    "debtcalc.v1.SwapService" / "EvaluateSwap" => swap.evaluate_swap(pb::EvaluateSwapRequest),
    "debtcalc.v1.SwapService" / "ListSwaps" => swap.list_swaps(pb::ListSwapsRequest),
    "debtcalc.v1.SwapService" / "GetSwap" => swap.get_swap(pb::GetSwapRequest),
    "debtcalc.v1.ChartService" / "RenderChart" => chart.render_chart(pb::RenderChartRequest),
}

impl Services {
    /// The services over `reference` data (labelled `reference_source` in
    /// responses, as the server labels it), the settlement `library` and
    /// the swap library `swaps`, computing on a default compute pool.
    pub fn new(
        reference: ReferenceData,
        reference_source: &str,
        library: SettlementLibrary,
        swaps: SwapLibrary,
    ) -> Self {
        // The server's provenance for the same data (server::LoadedData).
        let provenance = Provenance::new(
            &reference,
            reference_source,
            library.version(),
            library.source(),
        );
        let reference = Arc::new(reference);
        let settlement = SettlementApi::new(
            library,
            reference.clone(),
            reference_source,
            provenance.clone(),
        );
        let chart = ChartApi::new(
            settlement.library(),
            reference.clone(),
            reference_source,
            provenance.clone(),
        )
        .with_swaps(Arc::new(swaps.clone()));
        Self {
            restructuring: RestructuringApi::new(ComputePool::default(), provenance.clone()),
            batch: BatchApi::new(
                ComputePool::default(),
                provenance.clone(),
                super::batch::DEFAULT_MAX_BATCH_ITEMS_IN_FLIGHT,
            ),
            reconciliation: ReconciliationApi::new(
                (*reference).clone(),
                reference_source,
                provenance.clone(),
            ),
            swap: SwapApi::new(swaps, provenance.clone()),
            settlement,
            chart,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Every RPC of every debtcalc service in the descriptors is served by
    /// [`Services::call`] (unary) or [`Services::call_stream`] (streams),
    /// and nothing else: a new RPC does not go unnoticed.
    #[test]
    fn methods_are_every_rpc_of_the_descriptors() {
        let pool = prost_reflect::DescriptorPool::decode(super::super::pb::FILE_DESCRIPTOR_SET)
            .expect("descriptors decode");
        let mut declared: Vec<String> = pool
            .services()
            .filter(|s| s.package_name() == "debtcalc.v1")
            .flat_map(|s| {
                s.methods()
                    .map(|m| format!("{}/{}", s.full_name(), m.name()))
                    .collect::<Vec<_>>()
            })
            .collect();
        declared.sort();
        let mut served: Vec<String> = METHODS
            .iter()
            .chain(STREAM_METHODS)
            .map(|m| m.to_string())
            .collect();
        served.sort();
        assert_eq!(served, declared);
    }

    #[test]
    fn calls_a_handler_and_refuses_an_unknown_method() {
        let data = ReferenceData::builtin().expect("built-in data");
        let library = SettlementLibrary::builtin(&data, "builtin").expect("library");
        let swaps = SwapLibrary::builtin().expect("swap library");
        let services = Services::new(data, "builtin", library, swaps);
        let runtime = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .expect("runtime");
        let request = pb::SplitClaimRequest {
            claim: Some(pb::Money {
                currency_code: "USD".into(),
                amount: "100".into(),
            }),
            write_off: Some(pb::split_claim_request::WriteOff::WriteOffShare(
                "0.9".into(),
            )),
            ..Default::default()
        };
        let bytes = runtime
            .block_on(services.call(
                "debtcalc.v1.RestructuringService/SplitClaim",
                &request.encode_to_vec(),
            ))
            .expect("split");
        let response = pb::SplitClaimResponse::decode(bytes.as_slice()).expect("decodes");
        assert_eq!(response.remaining.expect("remaining").amount, "10.00");
        let unknown = runtime
            .block_on(services.call("debtcalc.v1.RestructuringService/Nope", &[]))
            .expect_err("unknown");
        assert_eq!(unknown.code(), tonic::Code::Unimplemented);
    }
}
