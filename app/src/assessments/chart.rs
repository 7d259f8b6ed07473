//! A horizontal bar chart drawn as SVG on the server, so a result reads the same with or without
//! JavaScript. Screen readers get the title and a description listing every value.

use leptos::prelude::*;

/// One bar: its label and value.
#[derive(Debug, Clone, PartialEq)]
pub struct Bar {
    pub label: String,
    pub value: f64,
}

fn figure(value: f64) -> String {
    if value.fract() == 0.0 {
        format!("{value:.0}")
    } else {
        format!("{value:.1}")
    }
}

/// The chart: bars from `min` to `max`, gridlines at `ticks`. `id` must be unique on the page.
#[component]
pub fn BarChart(
    id: &'static str,
    title: String,
    bars: Vec<Bar>,
    min: f64,
    max: f64,
    ticks: Vec<f64>,
) -> impl IntoView {
    const LABEL_WIDTH: f64 = 130.0;
    const PLOT_WIDTH: f64 = 440.0;
    const ROW: f64 = 34.0;
    const TOP: f64 = 8.0;
    let span = if max > min { max - min } else { 1.0 };
    let x = move |value: f64| LABEL_WIDTH + PLOT_WIDTH * ((value.clamp(min, max) - min) / span);
    let height = TOP + ROW * bars.len() as f64 + 24.0;
    let title_id = format!("{id}-title");
    let desc_id = format!("{id}-desc");
    let description = bars
        .iter()
        .map(|bar| format!("{}: {} of {}", bar.label, figure(bar.value), figure(max)))
        .collect::<Vec<_>>()
        .join("; ");
    let grid = ticks
        .iter()
        .map(|tick| {
            let at = x(*tick);
            view! {
                <line class="chart-grid" x1=at x2=at y1=TOP y2=height - 20.0/>
                <text class="chart-tick" x=at y=height - 6.0 text-anchor="middle">{figure(*tick)}</text>
            }
        })
        .collect_view();
    let rows = bars
        .iter()
        .enumerate()
        .map(|(index, bar)| {
            let y = TOP + ROW * index as f64;
            let end = x(bar.value);
            view! {
                <text class="chart-label" x=LABEL_WIDTH - 10.0 y=y + ROW / 2.0 + 5.0 text-anchor="end">{bar.label.clone()}</text>
                <rect class="chart-bar" x=LABEL_WIDTH y=y + 6.0 width=(end - LABEL_WIDTH).max(1.0) height=ROW - 12.0 rx="3"/>
                <text class="chart-value" x=end + 6.0 y=y + ROW / 2.0 + 5.0>{figure(bar.value)}</text>
            }
        })
        .collect_view();
    let (labelled_by, described_by) = (title_id.clone(), desc_id.clone());
    view! {
        <svg class="bar-chart" viewBox=format!("0 0 620 {height}") role="img"
            aria-labelledby=labelled_by aria-describedby=described_by preserveAspectRatio="xMinYMin meet">
            <title id=title_id>{title}</title>
            <desc id=desc_id>{description}</desc>
            {grid}
            {rows}
        </svg>
    }
}

#[cfg(all(test, feature = "ssr"))]
mod tests {
    use super::*;

    #[test]
    fn the_chart_renders_every_value_as_text_on_the_server() {
        let owner = Owner::new();
        let html = owner.with(|| {
            view! {
                <BarChart id="t" title="Scores".to_string() min=0.0 max=40.0 ticks=vec![0.0, 20.0, 40.0]
                    bars=vec![Bar { label: "Realistic".into(), value: 40.0 }, Bar { label: "Social".into(), value: 12.0 }]/>
            }
            .to_html()
        });
        assert!(html.contains("<svg"), "{html}");
        assert!(html.contains("Realistic: 40 of 40; Social: 12 of 40"), "{html}");
        assert!(html.contains(r#"role="img""#));
        // The full-scale bar spans the whole plot; the other is proportionally shorter.
        assert!(html.contains(r#"width="440""#), "{html}");
        assert!(html.contains(r#"width="132""#), "{html}");
    }
}
