//! Reading RenderChart's answers: the SVG parsed with roxmltree (texts,
//! shapes by tag and fill), and a call that checks what every chart has
//! (content type, title and notes drawn, number format, provenance).

use debtcalc::api::pb::debtcalc::v1 as pb;

use super::TestServer;

/// Colours of the series (src/chart/frame.rs), as the SVG writes them.
pub const PRINCIPAL: &str = "#1F77B4";
pub const INTEREST: &str = "#FF7F0E";
pub const DECREASE: &str = "#D62728";
pub const GUIDE: &str = "#787878";
pub const GRACE: &str = "#C8C8C8";

/// The parts of a chart the tests read.
pub struct Svg {
    pub texts: Vec<String>,
    /// (tag, fill, height attribute) of every shape.
    pub shapes: Vec<(String, String, f64)>,
}

impl Svg {
    pub fn parse(bytes: &[u8]) -> Svg {
        let text = std::str::from_utf8(bytes).expect("UTF-8");
        let doc = roxmltree::Document::parse(text).expect("a well-formed SVG document");
        let root = doc.root_element();
        assert_eq!(root.tag_name().name(), "svg");
        assert_eq!(
            root.tag_name().namespace(),
            Some("http://www.w3.org/2000/svg")
        );
        let mut texts = Vec::new();
        let mut shapes = Vec::new();
        for node in root.descendants().filter(|n| n.is_element()) {
            let name = node.tag_name().name().to_string();
            if name == "text" {
                texts.push(node.text().unwrap_or("").trim().to_string());
            } else {
                shapes.push((
                    name,
                    node.attribute("fill").unwrap_or("").to_string(),
                    node.attribute("height")
                        .and_then(|h| h.parse().ok())
                        .unwrap_or(0.0),
                ));
            }
        }
        Svg { texts, shapes }
    }

    pub fn count(&self, tag: &str, fill: &str) -> usize {
        self.shapes
            .iter()
            .filter(|(t, f, _)| t == tag && f == fill)
            .count()
    }

    pub fn heights(&self, tag: &str, fill: &str) -> Vec<f64> {
        self.shapes
            .iter()
            .filter(|(t, f, _)| t == tag && f == fill)
            .map(|(_, _, h)| *h)
            .collect()
    }

    pub fn has_text(&self, wanted: &str) -> bool {
        self.texts.iter().any(|t| t == wanted)
    }

    pub fn text_containing(&self, part: &str) -> Option<&String> {
        self.texts.iter().find(|t| t.contains(part))
    }
}

/// Renders `request`; the response and its SVG, after the checks every
/// chart passes.
pub async fn render(
    server: &TestServer,
    request: pb::RenderChartRequest,
) -> (pb::RenderChartResponse, Svg) {
    let response = server
        .chart()
        .await
        .render_chart(request)
        .await
        .expect("RenderChart answers")
        .into_inner();
    assert_eq!(response.content_type, "image/svg+xml");
    let svg = Svg::parse(&response.svg);
    let conventions = response.conventions.as_ref().expect("conventions");
    assert!(
        svg.has_text(&conventions.title),
        "title {:?} drawn",
        conventions.title
    );
    for note in &conventions.notes {
        assert!(svg.has_text(note), "note {note:?} drawn");
    }
    assert!(conventions.number_format.starts_with("SHORT_SCALE"));
    assert!(conventions.provenance.is_some());
    (response, svg)
}
