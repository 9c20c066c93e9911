//! `Source`: a publication behind the facts.

use super::*;

use entity::sources::Model;

/// A publication that backs facts in the graph. Every fact links to its sources, so a client can always ask "says who?".
#[derive(Clone, Debug)]
pub struct Source(pub Model);

impl From<Model> for Source {
    fn from(model: Model) -> Self {
        Self(model)
    }
}

/// A publication that backs facts in the graph. Every fact links to its sources, so a client can always ask "says who?".
#[Object]
impl Source {
    /// Opaque global id (Relay `Node`).
    pub async fn id(&self) -> ID {
        global_id(NodeKind::Source, self.0.id)
    }

    /// Stable, URL-safe key; also accepted by the root lookup field.
    async fn slug(&self) -> &str {
        &self.0.slug
    }

    /// Title of the publication.
    async fn title(&self) -> &str {
        &self.0.title
    }

    /// Who published it.
    async fn publisher(&self) -> Option<&str> {
        self.0.publisher.as_deref()
    }

    /// Publication date, to the precision known.
    async fn published(&self) -> Result<Option<PartialDate>> {
        PartialDate::from_columns(self.0.published_on, self.0.published_precision.as_deref())
    }

    /// Where to read it.
    async fn url(&self) -> Option<&str> {
        self.0.url.as_deref()
    }

    /// Primary, secondary, aggregator or reference.
    async fn kind(&self) -> Result<SourceKind> {
        Ok(stored(&self.0.kind, domain::SourceKind::from_word)?.into())
    }

    /// Caveats about the source (e.g. an inferred date).
    async fn note(&self) -> Option<&str> {
        self.0.note.as_deref()
    }
}

connection!(
    SourceConnection,
    SourceEdge,
    Source,
    Model,
    "A page of sources (Relay cursor connection).",
    "A source with its cursor."
);
