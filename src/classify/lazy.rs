//! The catalogue read on first use (see [`LazyCatalogue`]).

use super::catalogue::Catalogue;
use crate::error::Finding;
use crate::source::{SourceFile, Src};

/// The catalogue of manufacturers and models, read when a name is first classified when its
/// files are the shipped ones (checked by the test suite and by `check-schedules`: parsing
/// its 230 KB of TOML is two thirds of loading the whole body of law), and at once otherwise,
/// so an edited catalogue's mistakes refuse the set with their places.
#[derive(Clone, Debug, Default)]
pub(crate) struct LazyCatalogue {
    files: Vec<SourceFile>,
    loaded: std::sync::OnceLock<Catalogue>,
}

impl LazyCatalogue {
    /// A catalogue already read.
    pub(crate) fn now(catalogue: Catalogue) -> LazyCatalogue {
        let loaded = std::sync::OnceLock::new();
        let _ = loaded.set(catalogue);
        LazyCatalogue { files: Vec::new(), loaded }
    }

    /// A catalogue to read from `files` (the shipped ones) on first use.
    pub(crate) fn later(files: Vec<SourceFile>) -> LazyCatalogue {
        LazyCatalogue { files, loaded: std::sync::OnceLock::new() }
    }

    /// The catalogue, read now if it was not yet.
    pub(crate) fn get(&self) -> &Catalogue {
        self.loaded.get_or_init(|| {
            let srcs: Vec<Src<'_>> = self.files.iter().map(|f| Src::new(&f.display_name, &f.text)).collect();
            // The shipped files load without an error (the test suite and the goldens of
            // check-schedules); were one ever to appear, names are read without the catalogue
            // rather than with part of it.
            let mut findings = Vec::new();
            let catalogue = Catalogue::load(&srcs, &mut findings);
            if findings.iter().any(Finding::is_error) { Catalogue::default() } else { catalogue }
        })
    }
}
