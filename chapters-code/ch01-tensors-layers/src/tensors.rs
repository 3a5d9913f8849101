//! Tensors of rank 0 to 3. The shape of each is written in its type: a
//! `Tensor<Rank2<2, 3>, f32, Cpu>` is two rows of three `f32`s, and the
//! compiler knows it.

use dfdx::prelude::*;

// ANCHOR: ranks
/// A single number: rank 0, shape `()`.
pub type Scalar = Tensor<Rank0, f32, Cpu>;
/// Three numbers in a row: rank 1, shape `(3,)`.
pub type Vector = Tensor<Rank1<3>, f32, Cpu>;
/// Two rows of three numbers: rank 2, shape `(2, 3)`.
pub type Matrix = Tensor<Rank2<2, 3>, f32, Cpu>;
/// Four matrices of two rows of three: rank 3, shape `(4, 2, 3)`.
pub type Stack = Tensor<Rank3<4, 2, 3>, f32, Cpu>;

pub fn scalar(dev: &Cpu) -> Scalar {
    dev.tensor(2.5)
}

pub fn vector(dev: &Cpu) -> Vector {
    dev.tensor([1.0, 2.0, 3.0])
}

pub fn matrix(dev: &Cpu) -> Matrix {
    dev.tensor([[1.0, 2.0, 3.0], [4.0, 5.0, 6.0]])
}
// ANCHOR_END: ranks

// ANCHOR: stack
/// Four 2 × 3 matrices stacked into one rank-3 tensor. Matrix `k` is
/// [`matrix`] plus `10 * k`, so each one is easy to recognise.
pub fn stack_of_matrices(dev: &Cpu) -> Stack {
    let matrices: [Matrix; 4] = std::array::from_fn(|k| matrix(dev) + 10.0 * k as f32);
    matrices.stack()
}
// ANCHOR_END: stack

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_rank_has_the_shape_its_type_says() {
        let dev = Cpu::default();
        assert_eq!(scalar(&dev).shape().concrete(), [0usize; 0]);
        assert_eq!(vector(&dev).shape().concrete(), [3]);
        assert_eq!(matrix(&dev).shape().concrete(), [2, 3]);
        assert_eq!(stack_of_matrices(&dev).shape().concrete(), [4, 2, 3]);
    }

    #[test]
    fn the_stack_holds_the_matrices_in_order() {
        let dev = Cpu::default();
        let stack = stack_of_matrices(&dev).array();
        assert_eq!(stack[0], matrix(&dev).array());
        assert_eq!(stack[3][1], [34.0, 35.0, 36.0]);
    }
}
