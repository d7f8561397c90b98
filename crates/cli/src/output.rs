//! Output to a file or stdout. A file is written to a temporary sibling and
//! renamed into place, so a failed run never leaves a half-written file.

use std::fs::File;
use std::io::{BufWriter, Write};
use std::path::{Path, PathBuf};

use anyhow::Context;

pub enum Output {
    Stdout(BufWriter<std::io::Stdout>),
    File { tmp: PathBuf, dest: PathBuf, writer: BufWriter<File> },
}

impl Output {
    pub fn open(dest: Option<&Path>) -> anyhow::Result<Output> {
        match dest {
            None => Ok(Output::Stdout(BufWriter::new(std::io::stdout()))),
            Some(dest) => {
                let tmp = dest.with_extension(format!("tmp-{}", std::process::id()));
                let file = File::create(&tmp).with_context(|| format!("cannot write {}", tmp.display()))?;
                Ok(Output::File { tmp, dest: dest.to_path_buf(), writer: BufWriter::new(file) })
            }
        }
    }

    pub fn writer(&mut self) -> &mut dyn Write {
        match self {
            Output::Stdout(w) => w,
            Output::File { writer, .. } => writer,
        }
    }

    /// Writes one value as a JSON line.
    pub fn json_line<T: serde::Serialize>(&mut self, value: &T) -> anyhow::Result<()> {
        let w = self.writer();
        serde_json::to_writer(&mut *w, value)?;
        w.write_all(b"\n")?;
        Ok(())
    }

    pub fn finish(self) -> anyhow::Result<()> {
        match self {
            Output::Stdout(mut w) => {
                // A closed pipe (`| head`) is not an error worth reporting.
                match w.flush() {
                    Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => Ok(()),
                    other => Ok(other?),
                }
            }
            Output::File { tmp, dest, writer } => {
                let file = writer.into_inner().map_err(|e| e.into_error())?;
                file.sync_all()?;
                std::fs::rename(&tmp, &dest).with_context(|| format!("cannot move output into {}", dest.display()))?;
                Ok(())
            }
        }
    }
}
