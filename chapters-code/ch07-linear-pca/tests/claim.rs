//! The chapter's claim, on more seeds than the page checks: after 1000
//! full-batch Adam steps the linear autoencoder's plane is within one degree
//! of PCA's, and its reconstruction error within 1% of PCA's optimum.

use ch07_linear_pca::toy::{ToyConfig, run_toy};

#[test]
fn the_linear_autoencoder_finds_the_pca_plane_for_ten_seeds() {
    for seed in 0..10 {
        let result = run_toy(
            &ToyConfig {
                seed,
                ..ToyConfig::default()
            },
            |_, _| {},
        );
        let largest = result.angles_degrees[1];
        assert!(largest < 1.0, "seed {seed}: {largest}°");
        assert!(
            result.excess_mse().abs() < 0.01,
            "seed {seed}: {:+.3}%",
            100.0 * result.excess_mse()
        );
        // PCA cannot be beaten by any plane, the learned one included.
        assert!(
            result.plane_mse >= result.pca_mse * (1.0 - 1e-9),
            "seed {seed}: {} < {}",
            result.plane_mse,
            result.pca_mse
        );
    }
}

#[test]
fn the_loss_falls_and_is_logged_once_per_step_plus_the_end() {
    let config = ToyConfig {
        steps: 50,
        ..ToyConfig::default()
    };
    let mut seen = Vec::new();
    let result = run_toy(&config, |step, _| seen.push(step));
    assert_eq!(seen, (0..=50).collect::<Vec<_>>());
    assert!(result.losses[50] < result.losses[0]);
}
