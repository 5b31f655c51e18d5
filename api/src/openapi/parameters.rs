//! The bounds the server checks on the parameters every list and every create shares, written
//! into the document in one place so a new route states them too: `limit` 1 to 200, `cursor`
//! an id this API returned, `from`/`to` days, `created_after`/`updated_after` instants and `order`, and the `Idempotency-Key` header (1 to 255
//! visible ASCII characters). A client that keeps to the document is not refused for these;
//! one that does not gets a 400 (`routes::extract`, `routes::idempotency`).

use utoipa::openapi::path::{Operation, Parameter, ParameterIn};
use utoipa::openapi::schema::{ObjectBuilder, Type};
use utoipa::openapi::{OpenApi, RefOr, Schema};
use utoipa::Modify;

use super::errors::IDEMPOTENCY_KEY;
use crate::routes::extract::{LIMIT_MAX, LIMIT_MIN};
use crate::routes::idempotency::MAX_KEY_LEN;
/// A cursor is the id of the last row of the previous page: a UUID, or nothing.
pub const CURSOR_PATTERN: &str =
    "^([0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12})?$";

/// An RFC 3339 instant (`2026-12-01T09:30:00Z`, `2026-12-01T10:30:00.5+01:00`), or nothing.
pub const INSTANT_PATTERN: &str =
    "^([0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}(\\.[0-9]{1,9})?(Z|[+-][0-9]{2}:[0-9]{2}))?$";

pub struct SharedParameters;

fn bounded(parameter: &mut Parameter) {
    let schema = match (parameter.parameter_in.clone(), parameter.name.as_str()) {
        (ParameterIn::Query, "limit") => ObjectBuilder::new()
            .schema_type(Type::Integer)
            .minimum(Some(LIMIT_MIN as f64))
            .maximum(Some(LIMIT_MAX as f64))
            .build(),
        (ParameterIn::Query, "cursor") => ObjectBuilder::new()
            .schema_type(Type::String)
            .pattern(Some(CURSOR_PATTERN))
            .build(),
        // A day, or nothing (an empty field of a filter form is no filter).
        (ParameterIn::Query, "from" | "to") => ObjectBuilder::new()
            .schema_type(Type::String)
            .pattern(Some("^([0-9]{4}-[0-9]{2}-[0-9]{2})?$"))
            .build(),
        // An RFC 3339 instant, or nothing (`routes::extract::SyncParams`).
        (ParameterIn::Query, "created_after" | "updated_after") => ObjectBuilder::new()
            .schema_type(Type::String)
            .pattern(Some(INSTANT_PATTERN))
            .build(),
        (ParameterIn::Query, "order") => ObjectBuilder::new()
            .schema_type(Type::String)
            .enum_values(Some(["newest", "oldest"]))
            .build(),
        (ParameterIn::Header, name) if name.eq_ignore_ascii_case(IDEMPOTENCY_KEY) => {
            ObjectBuilder::new()
                .schema_type(Type::String)
                .min_length(Some(1))
                .max_length(Some(MAX_KEY_LEN))
                // What `routes::idempotency` accepts: visible ASCII and inner spaces.
                .pattern(Some(format!(
                    "^[!-~]([ -~]{{0,{}}}[!-~])?$",
                    MAX_KEY_LEN - 2
                )))
                .build()
        }
        _ => return,
    };
    parameter.schema = Some(RefOr::T(Schema::Object(schema)));
}

fn bound_all(operation: &mut Operation) {
    for parameter in operation.parameters.iter_mut().flatten() {
        bounded(parameter);
    }
}

impl Modify for SharedParameters {
    fn modify(&self, openapi: &mut OpenApi) {
        for item in openapi.paths.paths.values_mut() {
            for operation in [
                &mut item.get,
                &mut item.put,
                &mut item.post,
                &mut item.delete,
                &mut item.patch,
            ]
            .into_iter()
            .flatten()
            {
                bound_all(operation);
            }
        }
    }
}
