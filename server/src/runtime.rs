//! Putting the parts together: the database, the catalog, the engine, the
//! accounts and the service, from a config and a task registry. `serve`,
//! `worker`, the command line and the tests all start here.

use crate::auth::Accounts;
use crate::config::{Config, ConfigSource};
use crate::db::{ConnectError, Db};
use crate::engine::catalog::CatalogError;
use crate::engine::{Catalog, Engine, EngineSettings, TaskRegistry};
use crate::metrics::Metrics;
use crate::service::Service;
use std::sync::Arc;

/// Why the product could not start.
#[derive(Debug, thiserror::Error)]
pub enum StartupError {
    #[error(transparent)]
    Config(#[from] crate::config::ConfigError),
    #[error("bad config key `{}` in {source_name}: {}", .error.key, .error.message)]
    Catalog { error: CatalogError, source_name: String },
    #[error(transparent)]
    Database(#[from] ConnectError),
    #[error("cannot make the search indexes of search.indexed_arguments: {0}")]
    Indexes(crate::engine::StoreError),
}

/// A running Task Starter (minus the web server and the worker pool).
#[derive(Clone)]
pub struct Runtime {
    pub config: Arc<Config>,
    pub engine: Engine,
    pub service: Service,
    pub metrics: Arc<Metrics>,
}

impl Runtime {
    /// Opens the configured database, brings its schema up to date and
    /// builds everything over it.
    pub async fn open(config: Config, source: &ConfigSource, registry: &TaskRegistry) -> Result<Runtime, StartupError> {
        let catalog = catalog(&config, source, registry)?;
        let db = Db::connect_with(config.database_url.expose(), config.database_connections, config.search.connections)
            .await?;
        db.migrate().await?;
        let paths: Vec<Vec<String>> =
            config.search.indexed_arguments.iter().map(|path| path.split('.').map(str::to_owned).collect()).collect();
        crate::engine::store::search::index_arguments(&db, &paths).await.map_err(StartupError::Indexes)?;
        Ok(Runtime::over(db, config, catalog))
    }

    /// Builds everything over an open, migrated database.
    pub fn over(db: Db, config: Config, catalog: Catalog) -> Runtime {
        let metrics = Arc::new(Metrics::default());
        let settings = EngineSettings { outbound: (&config.outbound).into(), ..EngineSettings::from(&config.worker) };
        let engine = Engine::new(db.clone(), Arc::new(catalog), settings, &config.schedules, Arc::clone(&metrics));
        let accounts = Accounts::new(db, &config.auth);
        let config = Arc::new(config);
        let service = Service::new(engine.clone(), Arc::clone(&config), accounts);
        Runtime { config, engine, service, metrics }
    }
}

/// The catalog of `registry` under `config`; a mismatch names the config key.
pub fn catalog(config: &Config, source: &ConfigSource, registry: &TaskRegistry) -> Result<Catalog, StartupError> {
    Catalog::build(registry, config).map_err(|error| StartupError::Catalog { error, source_name: source.to_string() })
}
