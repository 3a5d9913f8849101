//! Chapter 11: anomaly detection with autoencoders.
//!
//! * [`corrupt`]: anomalies made from normal digits: Gaussian noise,
//!   inversion, a quarter turn.
//! * [`metrics`]: the ROC curve and its area, thresholds set on normal data,
//!   precision and recall.
//! * [`detectors`]: the score of an image under each model: reconstruction
//!   error (PCA, chapter 3's autoencoder, chapter 5's denoiser) or the
//!   negative ELBO (chapter 10's VAE).
//! * [`experiment`]: the normal and anomalous sets, every detector's scores,
//!   and the CSV file that keeps them.
//! * [`charts`]: ROC curves and score histograms with the threshold.
//! * [`report`]: fitting and judging each detector; the results tables.
//! * [`figures`]: the chapter's figures from a run's scores.

pub mod charts;
pub mod corrupt;
pub mod detectors;
pub mod experiment;
pub mod figures;
pub mod metrics;
pub mod report;
