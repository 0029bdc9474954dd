//! The stream's family tree: every shard it ever had, drawn over the hash key space.
//!
//! Each shard is a box whose height is its share of the hash key space and whose column is
//! its generation (the shards the stream was created with are generation 0; a split's or
//! merge's children are one more than their parents). Arrows run from parents to children.
//! Closed shards fade (still readable until retention passes); expired ones fade further.
//! Reading the columns left to right is the order a KCL consumer must follow: parents before
//! children, so each key's records stay in order.

use std::collections::BTreeMap;

use yew::prelude::*;

use super::format;
use crate::engine::{LineageNode, MAX_HASH_KEY};
use crate::session::captions;

#[derive(Properties, PartialEq)]
pub struct LineageProps {
    pub lineage: Vec<LineageNode>,
}

const COLUMN: f64 = 150.0;
const BOX_WIDTH: f64 = 108.0;
const HEIGHT: f64 = 260.0;

/// Each shard's generation: 0 for the originals, one more than its oldest parent otherwise.
pub fn generations(lineage: &[LineageNode]) -> BTreeMap<u32, u32> {
    let mut generation = BTreeMap::new();
    // Parents always have smaller indexes than their children, so one pass in index order
    // sees every parent first.
    let mut nodes: Vec<&LineageNode> = lineage.iter().collect();
    crate::sort::sort_by_key(&mut nodes, |n| n.index);
    for node in nodes {
        let parents = [node.parent, node.adjacent_parent];
        let g = parents
            .iter()
            .flatten()
            .filter_map(|p| generation.get(p))
            .max()
            .map_or(0, |g| g + 1);
        generation.insert(node.index, g);
    }
    generation
}

#[component]
pub fn Lineage(props: &LineageProps) -> Html {
    let generation = generations(&props.lineage);
    let columns = generation.values().max().map_or(1, |g| g + 1);
    let width = f64::from(columns) * COLUMN;
    let place = |node: &LineageNode| {
        let g = generation.get(&node.index).copied().unwrap_or(0);
        let x = f64::from(g) * COLUMN + 4.0;
        let y = node.range.starting_hash_key as f64 / MAX_HASH_KEY as f64 * HEIGHT;
        let h = ((node.range.ending_hash_key - node.range.starting_hash_key) as f64
            / MAX_HASH_KEY as f64
            * HEIGHT)
            .max(2.0);
        (x, y, h)
    };
    let by_index: BTreeMap<u32, &LineageNode> =
        props.lineage.iter().map(|n| (n.index, n)).collect();
    let resharded = props.lineage.iter().any(|n| n.closed_ms.is_some());
    html! {
        <section class="panel lineage" aria-labelledby="lineage-title">
            <h2 id="lineage-title">{ "Shard family tree" }</h2>
            if !resharded {
                <p class="hint">{ "No shard has been split or merged yet. Split one (the button on its lane) and its children appear here, to the right of their parent." }</p>
            }
            <svg id="lineage-tree" viewBox={format!("0 0 {width} {}", HEIGHT + 2.0)}
                width={width.to_string()} height={(HEIGHT + 2.0).to_string()} role="img"
                aria-label={captions::lineage_summary(&props.lineage)}>
                <defs>
                    <marker id="arrow" viewBox="0 0 10 10" refX="9" refY="5" markerWidth="6" markerHeight="6" orient="auto-start-reverse">
                        <path d="M 0 0 L 10 5 L 0 10 z" fill="currentColor" />
                    </marker>
                </defs>
                { for props.lineage.iter().flat_map(|child| {
                    [child.parent, child.adjacent_parent].into_iter().flatten().filter_map(|p| {
                        let parent = by_index.get(&p)?;
                        let (px, py, ph) = place(parent);
                        let (cx, cy, ch) = place(child);
                        Some(html! {
                            <line class="lineage-edge" x1={(px + BOX_WIDTH).to_string()} y1={(py + ph / 2.0).to_string()}
                                x2={(cx - 2.0).to_string()} y2={(cy + ch / 2.0).to_string()} marker-end="url(#arrow)" />
                        })
                    }).collect::<Vec<_>>()
                }) }
                { for props.lineage.iter().map(|node| {
                    let (x, y, h) = place(node);
                    let label = format::short_shard(&node.shard_id);
                    html! {
                        <g class={classes!("lineage-node", node.state.as_str().to_ascii_lowercase())} data-shard-id={node.shard_id.clone()}>
                            <title>{ format!("{} ({})\nStartingHashKey {}\nEndingHashKey {}", node.shard_id, node.state,
                                node.range.starting_hash_key, node.range.ending_hash_key) }</title>
                            <rect x={x.to_string()} y={y.to_string()} width={BOX_WIDTH.to_string()} height={h.to_string()} rx="3" />
                            if h >= 14.0 {
                                <text x={(x + 6.0).to_string()} y={(y + h / 2.0 + 4.0).to_string()}>
                                    { format!("{label} {}", node.state) }
                                </text>
                            }
                        </g>
                    }
                }) }
            </svg>
        </section>
    }
}
