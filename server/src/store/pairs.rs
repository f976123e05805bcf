//! Linked pairs for within-child change: the responses of two waves that carry the same link
//! key (one each), with their answers. Only linked responses are read, and what comes out is
//! counted at once (`results::change`): a pair never leaves the server.

use crate::domain::instrument::AnswersSoFar;
use sea_orm::sea_query::{Alias, Expr, ExprTrait, Query};
use sea_orm::{ConnectionTrait, DbErr};
use std::collections::HashMap;

/// Where the later response of a pair counts (as in `result_count`) and both answer sets.
pub struct Pair {
    pub organisation_id: i32,
    pub region_id: i32,
    pub setting_type: String,
    /// '' when the child did not say.
    pub age_band: String,
    pub gender: String,
    pub before: AnswersSoFar,
    pub after: AnswersSoFar,
}

struct Linked {
    id: String,
    wave_id: i32,
    link_key: String,
    organisation_id: i32,
    region_id: i32,
    setting_type: String,
    age_band: String,
    gender: String,
}

/// Pairs of responses in `first` and `second` with the same link key. A link key that occurs
/// more than once in a wave is left out: it cannot be told which response is the child's.
pub async fn linked_pairs<C: ConnectionTrait>(
    db: &C,
    first: i32,
    second: i32,
) -> Result<Vec<Pair>, DbErr> {
    let columns = [
        "id",
        "wave_id",
        "link_key",
        "organisation_id",
        "region_id",
        "setting_type",
        "age_band",
        "gender",
    ];
    let query = Query::select()
        .columns(columns.map(Alias::new))
        .from(Alias::new("response"))
        .and_where(Expr::col(Alias::new("link_key")).is_not_null())
        .and_where(Expr::col(Alias::new("wave_id")).is_in([first, second]))
        .to_owned();
    let rows = db.query_all(&query).await?;
    let mut by_key: HashMap<String, (Vec<Linked>, Vec<Linked>)> = HashMap::new();
    for r in rows {
        let linked = Linked {
            id: r.try_get("", "id")?,
            wave_id: r.try_get("", "wave_id")?,
            link_key: r.try_get("", "link_key")?,
            organisation_id: r.try_get("", "organisation_id")?,
            region_id: r.try_get("", "region_id")?,
            setting_type: r.try_get("", "setting_type")?,
            age_band: r
                .try_get::<Option<String>>("", "age_band")?
                .unwrap_or_default(),
            gender: r
                .try_get::<Option<String>>("", "gender")?
                .unwrap_or_default(),
        };
        let entry = by_key.entry(linked.link_key.clone()).or_default();
        if linked.wave_id == first {
            entry.0.push(linked);
        } else {
            entry.1.push(linked);
        }
    }
    let matched: Vec<(Linked, Linked)> = by_key
        .into_values()
        .filter_map(|(mut a, mut b)| match (a.len(), b.len()) {
            (1, 1) => Some((a.remove(0), b.remove(0))),
            _ => None,
        })
        .collect();
    let ids: Vec<String> = matched
        .iter()
        .flat_map(|(a, b)| [a.id.clone(), b.id.clone()])
        .collect();
    let mut answers = answers_of(db, &ids).await?;
    Ok(matched
        .into_iter()
        .map(|(a, b)| Pair {
            before: answers.remove(&a.id).unwrap_or_default(),
            after: answers.remove(&b.id).unwrap_or_default(),
            organisation_id: b.organisation_id,
            region_id: b.region_id,
            setting_type: b.setting_type,
            age_band: b.age_band,
            gender: b.gender,
        })
        .collect())
}

/// The answers of some responses, by response id (in chunks, to stay under parameter limits).
async fn answers_of<C: ConnectionTrait>(
    db: &C,
    ids: &[String],
) -> Result<HashMap<String, AnswersSoFar>, DbErr> {
    let mut out: HashMap<String, AnswersSoFar> = HashMap::new();
    for chunk in ids.chunks(500) {
        let query = Query::select()
            .columns(["response_id", "item_key", "value"].map(Alias::new))
            .from(Alias::new("answer"))
            .and_where(Expr::col(Alias::new("response_id")).is_in(chunk.iter().cloned()))
            .to_owned();
        for r in db.query_all(&query).await? {
            let id: String = r.try_get("", "response_id")?;
            let item: String = r.try_get("", "item_key")?;
            let value: Option<i16> = r.try_get("", "value")?;
            out.entry(id).or_default().insert(item, value);
        }
    }
    Ok(out)
}
