//! The demo's responses: per location, children who answered (and codes for those who did
//! not), written in chunks, each chunk with its result counts in one transaction.

use super::children::{self, DemoWave};
use super::PlacedLocation;
use crate::domain::access_code::{AccessCode, CodeKey, CodeState, KEYED_HASH};
use crate::domain::pseudonym::Pseudonym;
use crate::pepper::Pepper;
use crate::store::bulk::insert_rows;
use indicatif::ProgressBar;
use rand::rngs::StdRng;
use rand::seq::SliceRandom;
use rand::Rng;
use sea_orm::sea_query::Value;
use sea_orm::DatabaseConnection;

/// Responses generated and written per transaction.
const CHUNK: usize = 2_000;

pub(super) struct WaveOutcome {
    pub share_safe: f64,
    pub sample_codes: Vec<String>,
}

pub(super) struct Generator<'a> {
    pub db: &'a DatabaseConnection,
    pub pepper: &'a Pepper,
    pub instrument: &'a crate::domain::instrument::Instrument,
    pub seed: u64,
    pub progress: &'a ProgressBar,
}

#[derive(Default)]
struct Batch {
    responses: Vec<Vec<Value>>,
    answers: Vec<Vec<Value>>,
    open_answers: Vec<Vec<Value>>,
    codes: Vec<Vec<Value>>,
    /// Result counts, written in the same transaction as the responses they count.
    counts: crate::store::results::Increments,
}

impl Generator<'_> {
    pub async fn wave(
        &mut self,
        rng: &mut StdRng,
        wave_id: i32,
        wave: DemoWave,
        locations: &[PlacedLocation],
        responses: u32,
    ) -> anyhow::Result<WaveOutcome> {
        let code_key = CodeKey::from_pepper(self.pepper);
        let counts = allocate(rng, locations, responses);
        let mut batch = Batch::default();
        let (mut safe, mut answered) = (0u64, 0u64);
        let mut sample_codes = Vec::new();
        for (loc, &respondents) in locations.iter().zip(&counts) {
            // Which of the children placed here answered; their index stands for a client number.
            let mut children: Vec<i32> = (0..loc.children_placed.max(respondents as i32)).collect();
            children.shuffle(rng);
            let issued = ((f64::from(loc.children_placed) * 0.9).round() as usize).max(respondents);
            for (n, &child_index) in children.iter().take(issued).enumerate() {
                let code = AccessCode::generate();
                let answered_now = n < respondents;
                let pseudonym = loc.linkable.then(|| {
                    Pseudonym::derive(
                        self.pepper,
                        loc.organisation_id,
                        &format!("demo-{}-{child_index}", loc.id),
                    )
                });
                let state = if answered_now {
                    CodeState::Used
                } else if rng.random_bool(0.03) {
                    CodeState::Revoked
                } else {
                    if wave == DemoWave::Second && sample_codes.len() < 5 && !loc.linkable {
                        sample_codes.push(code.display_grouped());
                    }
                    CodeState::Unused
                };
                batch.codes.push(vec![
                    code.hash(&code_key).into(),
                    wave_id.into(),
                    loc.id.into(),
                    state.as_str().into(),
                    pseudonym.as_ref().map(|p| p.as_str().to_string()).into(),
                    KEYED_HASH.into(),
                ]);
                if answered_now {
                    // The same child keeps the same disposition across waves, so linked pairs are coherent.
                    let personal = children::personal_latent(
                        self.seed ^ ((loc.id as u64) << 24) ^ child_index as u64,
                    );
                    let child = children::child(rng, self.instrument, loc.setting, wave, personal);
                    if let Some((_, Some(v))) = child.answers.iter().find(|(k, _)| k == "safe_home")
                    {
                        answered += 1;
                        if self
                            .instrument
                            .item("safe_home")
                            .is_some_and(|i| self.instrument.safe_values(i).contains(v))
                        {
                            safe += 1;
                        }
                    }
                    let link_key = pseudonym.map(|p| p.link_key(self.pepper));
                    push_response(&mut batch, self.instrument, wave_id, loc, child, link_key);
                }
                if batch.responses.len() >= CHUNK || batch.codes.len() >= CHUNK * 4 {
                    self.flush(&mut batch).await?;
                }
            }
        }
        self.flush(&mut batch).await?;
        Ok(WaveOutcome {
            share_safe: safe as f64 / answered.max(1) as f64,
            sample_codes,
        })
    }

    /// Writes one batch in one transaction: every response whole, or none of them.
    async fn flush(&mut self, batch: &mut Batch) -> anyhow::Result<()> {
        let Batch {
            responses,
            answers,
            open_answers,
            codes,
            counts,
        } = std::mem::take(batch);
        let written = responses.len() as u64;
        let txn = crate::store::begin_write(self.db).await?;
        insert_rows(
            &txn,
            "access_code",
            &[
                "code_hash",
                "wave_id",
                "location_id",
                "state",
                "pseudonym",
                "hash_version",
            ],
            codes,
        )
        .await?;
        insert_rows(
            &txn,
            "response",
            &[
                "id",
                "wave_id",
                "organisation_id",
                "region_id",
                "setting_type",
                "age_band",
                "gender",
                "time_here",
                "language",
                "link_key",
                "submission_hash",
            ],
            responses,
        )
        .await?;
        insert_rows(
            &txn,
            "answer",
            &["response_id", "item_key", "value"],
            answers,
        )
        .await?;
        insert_rows(
            &txn,
            "open_answer",
            &["id", "wave_id", "setting_type", "text"],
            open_answers,
        )
        .await?;
        crate::store::results::add(&txn, &counts).await?;
        txn.commit().await?;
        self.progress.inc(written);
        Ok(())
    }
}

fn push_response(
    batch: &mut Batch,
    instrument: &crate::domain::instrument::Instrument,
    wave_id: i32,
    loc: &PlacedLocation,
    child: children::DemoChild,
    link_key: Option<String>,
) {
    let id = uuid::Uuid::new_v4().to_string();
    let submission = crate::domain::submission::submission_hash(&uuid::Uuid::new_v4().to_string());
    let d = child.demographics;
    batch.responses.push(vec![
        id.clone().into(),
        wave_id.into(),
        loc.organisation_id.into(),
        loc.region_id.into(),
        loc.setting.as_str().into(),
        d.age_band.map(|a| a.as_str().to_string()).into(),
        d.gender.map(|g| g.as_str().to_string()).into(),
        d.time_here.map(|t| t.as_str().to_string()).into(),
        if child
            .open_answer
            .is_some_and(|t| t.starts_with("More") || t.starts_with("That"))
        {
            "en"
        } else {
            "nl"
        }
        .into(),
        link_key.into(),
        submission.into(),
    ]);
    let group = crate::store::results::GroupKey::new(
        wave_id,
        loc.organisation_id,
        loc.region_id,
        loc.setting,
        &d,
    );
    let answers: crate::domain::instrument::AnswersSoFar = child.answers.iter().cloned().collect();
    crate::store::results::record(&mut batch.counts, instrument, &group, &answers);
    for (key, value) in child.answers {
        batch
            .answers
            .push(vec![id.clone().into(), key.into(), value.into()]);
    }
    if let Some(text) = child.open_answer {
        batch.open_answers.push(vec![
            uuid::Uuid::new_v4().to_string().into(),
            wave_id.into(),
            loc.setting.as_str().into(),
            text.to_string().into(),
        ]);
    }
}

/// Spreads `total` responses over locations in proportion to children placed and a response
/// rate that varies by location (largest-remainder rounding, so the total is exact).
fn allocate(rng: &mut StdRng, locations: &[PlacedLocation], total: u32) -> Vec<usize> {
    let weights: Vec<f64> = locations
        .iter()
        .map(|l| f64::from(l.children_placed) * rng.random_range(0.45..0.85))
        .collect();
    let sum: f64 = weights.iter().sum();
    let exact: Vec<f64> = weights.iter().map(|w| w / sum * f64::from(total)).collect();
    let mut counts: Vec<usize> = exact.iter().map(|x| x.floor() as usize).collect();
    let mut order: Vec<usize> = (0..exact.len()).collect();
    order.sort_by(|&a, &b| (exact[b] - exact[b].floor()).total_cmp(&(exact[a] - exact[a].floor())));
    let missing = total as usize - counts.iter().sum::<usize>();
    for &i in order.iter().take(missing) {
        counts[i] += 1;
    }
    counts
}
