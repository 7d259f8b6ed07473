//! The progress dashboard's charts, drawn as SVG on the server so they read the same with or
//! without JavaScript (the pattern of `assessments::chart`). The geometry is plain arithmetic
//! ([`count_axis`], [`columns`], [`completion_segments`], [`bar_length`]), tested on its own;
//! the components only place it.
//!
//! Every chart is a `<figure>`: an `<svg role="img">` named by its `<title>` and described by a
//! `<desc>` that lists the numbers, a `<figcaption>`, and a text alternative carrying the same
//! numbers (the roadmaps' completion as a list of sentences with links; the others as a data
//! table in a `<details>`). Meaning never rests on colour: bars carry their numbers, parts of a
//! bar are told apart by outline as well as fill, and a legend names them in words.

use super::domain::{Completion, MonthCount, ResourceCounts, RoadmapProgress, RoadmapStatus, WeekCount};
use leptos::prelude::*;

// Geometry ------------------------------------------------------------------------------------

/// Coordinates rounded to a tenth: enough for a crisp drawing, short in the HTML.
fn tenth(value: f64) -> f64 {
    (value * 10.0).round() / 10.0
}

/// A count axis from 0: its top and the values its gridlines mark.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Axis {
    pub top: i64,
    pub ticks: Vec<i64>,
}

/// The axis for counts up to `max`: whole-number steps of 1, 2 or 5 times a power of ten, at
/// most four of them, so every gridline is a count a person can read (never "2.5 steps").
pub fn count_axis(max: i64) -> Axis {
    let max = max.max(0);
    let mut step = 1_i64;
    for exponent in 0..18 {
        let power = 10_i64.pow(exponent);
        if let Some(found) = [1, 2, 5].iter().map(|m| m * power).find(|s| (max + s - 1) / s <= 4) {
            step = found;
            break;
        }
    }
    let top = ((max + step - 1) / step).max(1) * step;
    Axis { top, ticks: (0..=top / step).map(|k| k * step).collect() }
}

/// Where a vertical bar chart draws: the whole drawing and the plot inside it.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Frame {
    pub width: f64,
    pub height: f64,
    pub left: f64,
    pub top: f64,
    pub plot_width: f64,
    pub plot_height: f64,
}

impl Frame {
    /// The plot's baseline (the y of 0).
    pub fn baseline(&self) -> f64 {
        self.top + self.plot_height
    }

    /// The y of `value` on an axis whose top is `top`.
    pub fn level(&self, value: i64, top: i64) -> f64 {
        let share = if top > 0 { value.clamp(0, top) as f64 / top as f64 } else { 0.0 };
        tenth(self.baseline() - self.plot_height * share)
    }
}

/// The columns charts' frame: room on the left for the axis' numbers, above for the bars' own
/// numbers, and below for the week or month under each bar.
pub const COLUMN_FRAME: Frame =
    Frame { width: 640.0, height: 250.0, left: 44.0, top: 26.0, plot_width: 584.0, plot_height: 180.0 };

/// One vertical bar.
#[derive(Debug, Clone, PartialEq)]
pub struct Column {
    pub x: f64,
    pub y: f64,
    pub width: f64,
    pub height: f64,
    /// The middle of its slot, where its labels go.
    pub centre: f64,
}

/// Bars for `values` side by side across the plot, each 60% of its slot, heights against `top`.
pub fn columns(values: &[i64], top: i64, frame: &Frame) -> Vec<Column> {
    if values.is_empty() {
        return Vec::new();
    }
    let slot = frame.plot_width / values.len() as f64;
    let width = slot * 0.6;
    values
        .iter()
        .enumerate()
        .map(|(index, value)| {
            let y = frame.level(*value, top);
            let left = frame.left + slot * index as f64;
            Column {
                x: tenth(left + (slot - width) / 2.0),
                y,
                width: tenth(width),
                height: tenth(frame.baseline() - y),
                centre: tenth(left + slot / 2.0),
            }
        })
        .collect()
}

/// The length of a horizontal bar for `value` where `top` fills `width`.
pub fn bar_length(value: i64, top: i64, width: f64) -> f64 {
    if top <= 0 {
        return 0.0;
    }
    tenth(width * value.clamp(0, top) as f64 / top as f64)
}

/// What a part of a roadmap's bar stands for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Part {
    Done,
    Skipped,
    Remaining,
}

impl Part {
    pub fn label(self) -> &'static str {
        match self {
            Part::Done => "Done",
            Part::Skipped => "Skipped",
            Part::Remaining => "Still to do",
        }
    }

    fn class(self) -> &'static str {
        match self {
            Part::Done => "progress-chart__done",
            Part::Skipped => "progress-chart__skipped",
            Part::Remaining => "progress-chart__remaining",
        }
    }
}

/// A stretch of a roadmap's bar.
#[derive(Debug, Clone, PartialEq)]
pub struct Segment {
    pub part: Part,
    pub x: f64,
    pub width: f64,
}

/// A roadmap's bar from `x`, `width` long: done, then skipped, then what is left (in progress
/// counts as left), each in proportion to its steps. Empty parts are left out; the parts meet
/// exactly and fill the bar.
pub fn completion_segments(completion: &Completion, x: f64, width: f64) -> Vec<Segment> {
    let total = completion.total.max(0);
    if total == 0 {
        return Vec::new();
    }
    let done = completion.completed.clamp(0, total);
    let skipped = completion.skipped.clamp(0, total - done);
    let parts = [(Part::Done, done), (Part::Skipped, skipped), (Part::Remaining, total - done - skipped)];
    let mut before = 0;
    let mut segments = Vec::new();
    for (part, count) in parts {
        if count > 0 {
            let start = tenth(x + width * before as f64 / total as f64);
            let end = tenth(x + width * (before + count) as f64 / total as f64);
            segments.push(Segment { part, x: start, width: tenth(end - start) });
        }
        before += count;
    }
    segments
}

/// A long label shortened to `max` characters for the drawing (the text alternative keeps it whole).
pub fn clip_label(text: &str, max: usize) -> String {
    if text.chars().count() <= max {
        return text.to_string();
    }
    let kept: String = text.chars().take(max.saturating_sub(1)).collect();
    format!("{}\u{2026}", kept.trim_end())
}

// Words ---------------------------------------------------------------------------------------

/// The steps a percentage is out of: skipped steps are out of the way, not done.
fn counted(completion: &Completion) -> i64 {
    (completion.total - completion.skipped).max(0)
}

/// What a roadmap's completion says after its title: "1 of 10 steps done (10%)" (the end-to-end
/// tests read it, with the title before it, exactly so).
pub fn completion_words(completion: &Completion) -> String {
    let counted = counted(completion);
    if completion.total == 0 {
        "no steps yet".to_string()
    } else if counted == 0 {
        format!("all {} steps skipped", completion.total)
    } else {
        let noun = if counted == 1 { "step" } else { "steps" };
        format!("{} of {counted} {noun} done ({}%)", completion.completed, completion.percent())
    }
}

/// The short label beside a roadmap's bar.
fn bar_words(completion: &Completion) -> String {
    let left = (completion.total - completion.completed - completion.skipped).max(0);
    if completion.total == 0 {
        "No steps yet".to_string()
    } else if completion.skipped == 0 {
        format!("{} of {} done ({}%)", completion.completed, completion.total, completion.percent())
    } else {
        format!("{} done, {} skipped, {left} to go", completion.completed, completion.skipped)
    }
}

/// The `<desc>` of the completion chart: every part of every bar, in words.
fn completion_description(roadmaps: &[RoadmapProgress]) -> String {
    roadmaps
        .iter()
        .map(|r| {
            let c = &r.completion;
            let left = (c.total - c.completed - c.skipped).max(0);
            format!("{}: {} done, {} skipped, {left} still to do", r.title, c.completed, c.skipped)
        })
        .collect::<Vec<_>>()
        .join("; ")
}

fn plural(count: i64, one: &str, many: &str) -> String {
    format!("{count} {}", if count == 1 { one } else { many })
}

// Drawing -------------------------------------------------------------------------------------

/// Each of the person's roadmaps as a bar of done, skipped and still-to-do steps, with the
/// sentences ("<title>: 1 of 10 steps done (10%)") as a list of links to the roadmaps below it.
#[component]
pub fn CompletionChart(id: &'static str, roadmaps: Vec<RoadmapProgress>) -> impl IntoView {
    const BAR_X: f64 = 8.0;
    const BAR_WIDTH: f64 = 400.0;
    const ROW: f64 = 58.0;
    const LEGEND: f64 = 34.0;
    let height = LEGEND + ROW * roadmaps.len() as f64 + 4.0;
    let (title_id, desc_id) = (format!("{id}-title"), format!("{id}-desc"));
    let legend = [Part::Done, Part::Skipped, Part::Remaining]
        .into_iter()
        .enumerate()
        .map(|(index, part)| {
            let x = BAR_X + 150.0 * index as f64;
            view! {
                <rect class=part.class() x=x y="8" width="16" height="16" rx="2"/>
                <text class="chart-label" x=x + 22.0 y="21">{part.label()}</text>
            }
        })
        .collect_view();
    let rows = roadmaps
        .iter()
        .enumerate()
        .map(|(index, roadmap)| {
            let y = LEGEND + ROW * index as f64;
            let bar_y = y + 26.0;
            let segments = completion_segments(&roadmap.completion, BAR_X, BAR_WIDTH);
            let empty = segments.is_empty().then(|| {
                view! { <rect class="progress-chart__remaining" x=BAR_X y=bar_y width=BAR_WIDTH height="22" rx="3"/> }
            });
            view! {
                <text class="chart-label" x=BAR_X y=y + 18.0>{clip_label(&roadmap.title, 60)}</text>
                {empty}
                {segments.into_iter().map(|s| view! {
                    <rect class=s.part.class() x=s.x y=bar_y width=s.width height="22"/>
                }).collect_view()}
                <text class="chart-value" x=BAR_X + BAR_WIDTH + 10.0 y=bar_y + 16.0>{bar_words(&roadmap.completion)}</text>
            }
        })
        .collect_view();
    let description = completion_description(&roadmaps);
    let items = roadmaps
        .into_iter()
        .map(|roadmap| {
            let c = roadmap.completion;
            let notes = [
                (c.skipped > 0 && counted(&c) > 0).then(|| format!("{} not counted", plural(c.skipped, "skipped step", "skipped steps"))),
                (c.in_progress > 0).then(|| format!("{} in progress", c.in_progress)),
                (roadmap.status != RoadmapStatus::Active).then(|| roadmap.status.label().to_string()),
            ]
            .into_iter()
            .flatten()
            .collect::<Vec<_>>();
            view! {
                <li>
                    // The sentence in one element of its own, so it reads (and is found) whole.
                    <span class="chart-list__sentence">
                        // A plain link (the router still takes its clicks): the chart draws outside a router too.
                        <a href=format!("/roadmap/{}", roadmap.id)>{roadmap.title.clone()}</a>
                        {format!(": {}", completion_words(&c))}
                    </span>
                    {(!notes.is_empty()).then(|| view! { <span class="muted">{format!(" · {}", notes.join(" · "))}</span> })}
                </li>
            }
        })
        .collect_view();
    let (labelled_by, described_by) = (title_id.clone(), desc_id.clone());
    view! {
        <figure class="progress-chart">
            <svg class="progress-chart__svg" viewBox=format!("0 0 640 {height}") role="img"
                aria-labelledby=labelled_by aria-describedby=described_by preserveAspectRatio="xMinYMin meet">
                <title id=title_id>"Completion of each of your roadmaps"</title>
                <desc id=desc_id>{description}</desc>
                {legend}
                {rows}
            </svg>
            <figcaption>"How far along each roadmap is. Skipped steps are left out of the percentage."</figcaption>
            <ul class="chart-list">{items}</ul>
        </figure>
    }
}

/// A vertical bar for each (short label, long label, count), the counts above the bars and the
/// short labels below; the long labels name the rows of the data table.
#[allow(clippy::too_many_arguments)]
fn column_chart(
    id: &'static str,
    title: String,
    caption: String,
    table_caption: String,
    label_heading: &'static str,
    value_heading: &'static str,
    bars: Vec<(String, String, i64)>,
) -> impl IntoView {
    let frame = COLUMN_FRAME;
    let axis = count_axis(bars.iter().map(|(_, _, v)| *v).max().unwrap_or(0));
    let values: Vec<i64> = bars.iter().map(|(_, _, v)| *v).collect();
    let placed = columns(&values, axis.top, &frame);
    let (title_id, desc_id) = (format!("{id}-title"), format!("{id}-desc"));
    let description = bars.iter().map(|(_, long, v)| format!("{long}: {v}")).collect::<Vec<_>>().join("; ");
    let grid = axis
        .ticks
        .iter()
        .map(|tick| {
            let y = frame.level(*tick, axis.top);
            view! {
                <line class="chart-grid" x1=frame.left x2=frame.left + frame.plot_width y1=y y2=y/>
                <text class="chart-tick" x=frame.left - 8.0 y=y + 4.0 text-anchor="end">{*tick}</text>
            }
        })
        .collect_view();
    let drawn = bars
        .iter()
        .zip(placed)
        .map(|((short, _, value), column)| {
            view! {
                // A bar of height 0 still shows its 0 above the baseline.
                <rect class="progress-chart__bar" x=column.x y=column.y width=column.width height=column.height rx="2"/>
                <text class="chart-value" x=column.centre y=column.y - 6.0 text-anchor="middle">{*value}</text>
                <text class="chart-tick progress-chart__axis-label" x=column.centre y=frame.baseline() + 20.0 text-anchor="middle">{short.clone()}</text>
            }
        })
        .collect_view();
    let rows = bars
        .into_iter()
        .map(|(_, long, value)| view! { <tr><th scope="row">{long}</th><td>{value}</td></tr> })
        .collect_view();
    let (labelled_by, described_by) = (title_id.clone(), desc_id.clone());
    view! {
        <figure class="progress-chart">
            <svg class="progress-chart__svg" viewBox=format!("0 0 {} {}", frame.width, frame.height) role="img"
                aria-labelledby=labelled_by aria-describedby=described_by preserveAspectRatio="xMinYMin meet">
                <title id=title_id>{title}</title>
                <desc id=desc_id>{description}</desc>
                {grid}
                {drawn}
            </svg>
            <figcaption>{caption}</figcaption>
            <details class="chart-data">
                <summary>"The numbers in a table"</summary>
                <table class="data-table">
                    <caption>{table_caption}</caption>
                    <thead><tr><th scope="col">{label_heading}</th><th scope="col">{value_heading}</th></tr></thead>
                    <tbody>{rows}</tbody>
                </table>
            </details>
        </figure>
    }
}

/// Steps the person completed in each of the last 12 weeks, oldest first.
#[component]
pub fn WeeklyChart(id: &'static str, weeks: Vec<WeekCount>) -> impl IntoView {
    let total: i64 = weeks.iter().map(|w| w.steps).sum();
    let caption = match total {
        0 => "No steps completed in the last 12 weeks yet: mark a step done on your roadmap and it shows here."
            .to_string(),
        n => format!(
            "{} completed in the last 12 weeks, by the week they were done in (weeks start on Monday).",
            plural(n, "step", "steps")
        ),
    };
    let bars = weeks
        .into_iter()
        .map(|w| (w.week.format("%-d %b").to_string(), format!("Week of {}", w.week.format("%-d %B %Y")), w.steps))
        .collect();
    column_chart(
        id,
        "Steps completed each week, last 12 weeks".to_string(),
        caption,
        "Steps completed each week (weeks start on Monday)".to_string(),
        "Week",
        "Steps completed",
        bars,
    )
}

/// Steps an organization's members completed in each of the last 6 months, oldest first.
#[component]
pub fn MonthlyChart(id: &'static str, months: Vec<MonthCount>, organization: String) -> impl IntoView {
    let total: i64 = months.iter().map(|m| m.steps).sum();
    let caption = format!(
        "{} completed by {organization}'s members in the last 6 months, by month.",
        plural(total, "step", "steps")
    );
    let bars = months
        .into_iter()
        .map(|m| (m.month.format("%b %Y").to_string(), m.month.format("%B %Y").to_string(), m.steps))
        .collect();
    column_chart(
        id,
        format!("Steps completed each month at {organization}, last 6 months"),
        caption,
        format!("Steps completed each month by {organization}'s members"),
        "Month",
        "Steps completed",
        bars,
    )
}

/// The person's resources by reading status.
#[component]
pub fn ResourcesChart(id: &'static str, counts: ResourceCounts) -> impl IntoView {
    const LABEL_WIDTH: f64 = 130.0;
    const PLOT_WIDTH: f64 = 420.0;
    const ROW: f64 = 38.0;
    let bars =
        [("Not started", counts.not_started), ("In progress", counts.in_progress), ("Completed", counts.completed)];
    let axis = count_axis(bars.iter().map(|(_, v)| *v).max().unwrap_or(0));
    let height = ROW * bars.len() as f64 + 30.0;
    let (title_id, desc_id) = (format!("{id}-title"), format!("{id}-desc"));
    let description = bars.iter().map(|(label, v)| format!("{label}: {v}")).collect::<Vec<_>>().join("; ");
    let grid = axis
        .ticks
        .iter()
        .map(|tick| {
            let x = LABEL_WIDTH + bar_length(*tick, axis.top, PLOT_WIDTH);
            view! {
                <line class="chart-grid" x1=x x2=x y1="4" y2=height - 24.0/>
                <text class="chart-tick" x=x y=height - 8.0 text-anchor="middle">{*tick}</text>
            }
        })
        .collect_view();
    let rows = bars
        .iter()
        .enumerate()
        .map(|(index, (label, value))| {
            let y = 4.0 + ROW * index as f64;
            let length = bar_length(*value, axis.top, PLOT_WIDTH);
            view! {
                <text class="chart-label" x=LABEL_WIDTH - 10.0 y=y + ROW / 2.0 + 5.0 text-anchor="end">{*label}</text>
                <rect class="progress-chart__bar" x=LABEL_WIDTH y=y + 7.0 width=length height=ROW - 14.0 rx="3"/>
                <text class="chart-value" x=LABEL_WIDTH + length + 8.0 y=y + ROW / 2.0 + 5.0>{*value}</text>
            }
        })
        .collect_view();
    let table = bars
        .iter()
        .map(|(label, value)| view! { <tr><th scope="row">{*label}</th><td>{*value}</td></tr> })
        .collect_view();
    let (labelled_by, described_by) = (title_id.clone(), desc_id.clone());
    view! {
        <figure class="progress-chart">
            <svg class="progress-chart__svg progress-chart__svg--short" viewBox=format!("0 0 640 {height}") role="img"
                aria-labelledby=labelled_by aria-describedby=described_by preserveAspectRatio="xMinYMin meet">
                <title id=title_id>"Your resources by status"</title>
                <desc id=desc_id>{description}</desc>
                {grid}
                {rows}
            </svg>
            <figcaption>"The library's resources you have marked, by how far you are with each."</figcaption>
            <details class="chart-data">
                <summary>"The numbers in a table"</summary>
                <table class="data-table">
                    <caption>"Your resources by status"</caption>
                    <thead><tr><th scope="col">"Status"</th><th scope="col">"Resources"</th></tr></thead>
                    <tbody>{table}</tbody>
                </table>
            </details>
        </figure>
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_axis_counts_in_whole_steps_of_one_two_or_five() {
        assert_eq!(count_axis(0), Axis { top: 1, ticks: vec![0, 1] });
        assert_eq!(count_axis(3), Axis { top: 3, ticks: vec![0, 1, 2, 3] });
        assert_eq!(count_axis(4), Axis { top: 4, ticks: vec![0, 1, 2, 3, 4] });
        assert_eq!(count_axis(5), Axis { top: 6, ticks: vec![0, 2, 4, 6] });
        assert_eq!(count_axis(9), Axis { top: 10, ticks: vec![0, 5, 10] });
        assert_eq!(count_axis(21), Axis { top: 30, ticks: vec![0, 10, 20, 30] });
        assert_eq!(count_axis(1_234).top, 1_500);
        assert_eq!(count_axis(-3), count_axis(0), "a negative count is read as none");
    }

    #[test]
    fn columns_share_the_plot_and_stand_on_the_baseline() {
        let frame = Frame { width: 140.0, height: 140.0, left: 20.0, top: 10.0, plot_width: 100.0, plot_height: 100.0 };
        let placed = columns(&[0, 2, 4, 1], 4, &frame);
        assert_eq!(placed.len(), 4);
        // Slots of 25, bars of 15 centred in them.
        assert_eq!(placed[0], Column { x: 25.0, y: 110.0, width: 15.0, height: 0.0, centre: 32.5 });
        assert_eq!(placed[1], Column { x: 50.0, y: 60.0, width: 15.0, height: 50.0, centre: 57.5 });
        assert_eq!(placed[2], Column { x: 75.0, y: 10.0, width: 15.0, height: 100.0, centre: 82.5 });
        assert_eq!(placed[3].height, 25.0);
        for column in &placed {
            assert_eq!(column.y + column.height, frame.baseline(), "every bar stands on the baseline");
        }
        assert!(columns(&[], 4, &frame).is_empty());
        // A value past the axis' top is drawn to the top, never beyond the plot.
        assert_eq!(columns(&[9], 4, &frame)[0].y, frame.top);
    }

    #[test]
    fn the_default_frame_fits_twelve_weeks_inside_the_drawing() {
        let placed = columns(&[1; 12], 1, &COLUMN_FRAME);
        let last = placed.last().unwrap();
        assert!(placed[0].x >= COLUMN_FRAME.left);
        assert!(last.x + last.width <= COLUMN_FRAME.left + COLUMN_FRAME.plot_width);
        assert!(COLUMN_FRAME.left + COLUMN_FRAME.plot_width <= COLUMN_FRAME.width);
        assert!(COLUMN_FRAME.baseline() + 24.0 <= COLUMN_FRAME.height, "room for the labels under the bars");
    }

    #[test]
    fn a_roadmaps_bar_is_done_then_skipped_then_the_rest() {
        let completion = Completion { total: 10, completed: 3, skipped: 1, in_progress: 2 };
        let segments = completion_segments(&completion, 8.0, 400.0);
        assert_eq!(
            segments,
            vec![
                Segment { part: Part::Done, x: 8.0, width: 120.0 },
                Segment { part: Part::Skipped, x: 128.0, width: 40.0 },
                Segment { part: Part::Remaining, x: 168.0, width: 240.0 },
            ]
        );
        // Thirds meet exactly and fill the bar.
        let thirds =
            completion_segments(&Completion { total: 3, completed: 1, skipped: 0, in_progress: 0 }, 0.0, 100.0);
        assert_eq!(thirds.len(), 2, "no skipped part when nothing was skipped");
        assert_eq!(thirds[0].x + thirds[0].width, thirds[1].x);
        assert_eq!(thirds[1].x + thirds[1].width, 100.0);
        assert!(completion_segments(&Completion::default(), 0.0, 100.0).is_empty());
        let done = completion_segments(&Completion { total: 4, completed: 4, skipped: 0, in_progress: 0 }, 0.0, 100.0);
        assert_eq!(done, vec![Segment { part: Part::Done, x: 0.0, width: 100.0 }]);
    }

    #[test]
    fn horizontal_bars_scale_to_the_axis_top() {
        assert_eq!(bar_length(3, 6, 420.0), 210.0);
        assert_eq!(bar_length(0, 6, 420.0), 0.0);
        assert_eq!(bar_length(8, 6, 420.0), 420.0);
        assert_eq!(bar_length(1, 0, 420.0), 0.0);
        assert_eq!(bar_length(1, 3, 100.0), 33.3);
    }

    /// The sentence the completion chart's list shows: the title (a link) and its words.
    fn completion_sentence(title: &str, completion: &Completion) -> String {
        format!("{title}: {}", completion_words(completion))
    }

    #[test]
    fn a_roadmaps_completion_reads_as_a_sentence() {
        let one = Completion { total: 10, completed: 1, skipped: 0, in_progress: 1 };
        assert_eq!(
            completion_sentence("Towards Registered Nurses", &one),
            "Towards Registered Nurses: 1 of 10 steps done (10%)"
        );
        let skipped = Completion { total: 10, completed: 3, skipped: 1, in_progress: 0 };
        assert_eq!(completion_words(&skipped), "3 of 9 steps done (33%)", "skipped steps are out of the count");
        assert_eq!(completion_words(&Completion::default()), "no steps yet");
        assert_eq!(
            completion_words(&Completion { total: 2, completed: 0, skipped: 2, in_progress: 0 }),
            "all 2 steps skipped"
        );
        assert_eq!(
            completion_words(&Completion { total: 1, completed: 1, skipped: 0, in_progress: 0 }),
            "1 of 1 step done (100%)"
        );
        assert_eq!(bar_words(&skipped), "3 done, 1 skipped, 6 to go");
        assert_eq!(bar_words(&one), "1 of 10 done (10%)");
    }

    #[test]
    fn long_labels_are_clipped_for_the_drawing_only() {
        assert_eq!(clip_label("Towards Nurses", 60), "Towards Nurses");
        assert_eq!(clip_label("abcdefghij", 5), "abcd\u{2026}");
        assert_eq!(clip_label("ab de fghij", 4), "ab\u{2026}");
    }

    #[cfg(feature = "ssr")]
    #[test]
    fn the_charts_render_on_the_server_with_their_numbers_in_words() {
        use chrono::NaiveDate;
        use uuid::Uuid;
        let owner = Owner::new();
        let roadmap = RoadmapProgress {
            id: Uuid::nil(),
            title: "Towards Registered Nurses".into(),
            status: RoadmapStatus::Active,
            completion: Completion { total: 10, completed: 1, skipped: 0, in_progress: 1 },
        };
        let monday = NaiveDate::from_ymd_opt(2026, 11, 2).unwrap();
        let weeks: Vec<WeekCount> = (0..12)
            .map(|i| WeekCount { week: monday + chrono::Duration::weeks(i), steps: i64::from(i == 11) * 3 })
            .collect();
        let html = owner.with(|| {
            view! {
                <CompletionChart id="c" roadmaps=vec![roadmap]/>
                <WeeklyChart id="w" weeks/>
                <ResourcesChart id="r" counts=ResourceCounts { not_started: 0, in_progress: 2, completed: 1 }/>
            }
            .to_html()
        });
        // Without the hydration markers, to read the text as a person would.
        let html = html.replace("<!>", "");
        assert_eq!(html.matches(r#"role="img""#).count(), 3, "{html}");
        assert_eq!(html.matches("<figcaption>").count(), 3, "{html}");
        assert!(html.contains(r#"aria-labelledby="c-title""#), "{html}");
        assert!(
            html.contains("Towards Registered Nurses: 1 done, 0 skipped, 9 still to do"),
            "the description: {html}"
        );
        assert!(html.contains(&format!(r#"href="/roadmap/{}""#, Uuid::nil())), "{html}");
        assert!(html.contains(": 1 of 10 steps done (10%)"), "{html}");
        assert!(html.contains("1 in progress"), "{html}");
        assert!(html.contains("Week of 18 January 2027: 3"), "{html}");
        assert!(html.contains("<th scope=\"row\">Week of 2 November 2026</th><td>0</td>"), "{html}");
        assert!(html.contains("3 steps completed in the last 12 weeks"), "{html}");
        assert!(html.contains("Not started: 0; In progress: 2; Completed: 1"), "{html}");
        // The done part of the roadmap's bar is a tenth of it.
        assert!(html.contains(r#"<rect x="8" y="60" width="40" height="22" class="progress-chart__done">"#), "{html}");
    }
}
