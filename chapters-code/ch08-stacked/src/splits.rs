//! Géron's split of the data: the first 55,000 training images to train
//! on, the last 5,000 to validate on.

use ae_support::cli::CommonArgs;
use ae_support::data::{self, DataError, Images};
use ae_support::split::{Part, Split};

/// Géron's training images.
pub const GERON_TRAIN: &str = "train[:55000]";
/// Géron's validation images.
pub const GERON_VALID: &str = "train[55000:]";

/// The training and validation sets of a run: `--train-split` and
/// `--eval-split` when given; otherwise Géron's split of the training
/// images, or, when those are missing (MNIST's often are), the support
/// crate's fallback to slices of the test split, announced loudly.
pub fn load_geron_splits(args: &CommonArgs) -> Result<(Images, Images), DataError> {
    if args.train_split.is_some() || args.eval_split.is_some() {
        return args.load_splits();
    }
    let dir = args.data_dir.as_deref();
    let (train, valid): (Split, Split) = (GERON_TRAIN.parse()?, GERON_VALID.parse()?);
    match data::load(args.dataset, &train, dir) {
        Ok(train) => Ok((train, data::load(args.dataset, &valid, dir)?)),
        Err(DataError::NotFound(missing)) if missing.part == Part::Train => args.load_splits(),
        Err(other) => Err(other),
    }
}
