//! Accounts: the secrets they rest on, the checks shared by the API and the command line, and
//! the rules applied when changes wait for approval.

pub mod approvals;
pub mod secrets;

use crate::domain::FieldError;
use crate::domain::access::Role;
use crate::geo::TownLayer;

/// The town codes of a role: a town editor needs at least one (given as codes or names),
/// other roles none.
pub fn check_role_towns(role: Role, towns: &[String], layer: &TownLayer) -> Result<Vec<String>, FieldError> {
    if role != Role::TownEditor {
        if towns.is_empty() {
            return Ok(vec![]);
        }
        return Err(FieldError::new("towns", "只有镇街编辑需要指定镇街", "only town editors are bound to towns"));
    }
    if towns.is_empty() {
        return Err(FieldError::new("towns", "镇街编辑至少要指定一个镇街", "a town editor needs at least one town"));
    }
    let mut codes = Vec::with_capacity(towns.len());
    for (i, t) in towns.iter().enumerate() {
        let Some(town) = layer.resolve(t.trim()) else {
            return Err(FieldError::new(
                format!("towns.{i}"),
                format!("未知的镇街“{t}”"),
                format!("unknown town \"{t}\""),
            ));
        };
        if !codes.contains(&town.code) {
            codes.push(town.code.clone());
        }
    }
    Ok(codes)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn town_editors_need_known_towns_and_others_none() {
        let layer = TownLayer::tengzhou();
        let seat = layer.towns[0].clone();
        let by_name = check_role_towns(Role::TownEditor, &[seat.name.clone(), seat.code.clone()], &layer);
        assert_eq!(by_name, Ok(vec![seat.code.clone()]), "names and codes both work; duplicates go");
        assert!(check_role_towns(Role::TownEditor, &[], &layer).is_err());
        assert!(check_role_towns(Role::TownEditor, &["火星镇".into()], &layer).is_err());
        assert_eq!(check_role_towns(Role::Editor, &[], &layer), Ok(vec![]));
        assert!(check_role_towns(Role::Viewer, &[seat.code], &layer).is_err());
    }
}
