"""Padding never reaches a convolution or a pooling: every network's prediction of a
sequence is the same alone and in any batch (issue 18, item 3)."""

import numpy as np
import pytest
from sklearn.base import is_classifier

from skmusic.utils.estimator_checks import _instantiate, all_estimators

pytestmark = pytest.mark.usefixtures("one_torch_thread")

NETWORKS = [
    cls
    for _, cls in all_estimators()
    if cls.__module__.startswith("skmusic.nn") and is_classifier(_instantiate(cls))
]
# windows wider than one step, so that padding would reach them if it could
WIDER = {"CRNNClassifier": dict(kernel_size=3, pool_size=2), "ResNet1DClassifier": {}}


@pytest.mark.parametrize("cls", NETWORKS, ids=lambda c: c.__name__)
def test_prediction_does_not_depend_on_the_batch(cls):
    rng = np.random.RandomState(0)
    y = np.arange(24) % 2
    X = [rng.randn(4, n).astype(np.float32) + c for n, c in zip(rng.randint(8, 60, 24), y)]
    est = _instantiate(cls).set_params(max_epochs=2, random_state=0, **WIDER.get(cls.__name__, {}))
    est.fit(X, y)
    together = est.predict_proba(X)
    alone = np.vstack([est.predict_proba([x]) for x in X])
    np.testing.assert_allclose(together, alone, rtol=0, atol=1e-5)
    # the shortest sequence beside one ten times longer than any other
    short = min(X, key=lambda x: x.shape[1])
    long = np.tile(X[0], 12)
    np.testing.assert_allclose(
        est.predict_proba([short, long])[0], est.predict_proba([short])[0], rtol=0, atol=1e-5
    )


def test_inception_time_runs_channels_last_throughout():
    # InceptionTime is a 2-D network of height 1 in channels-last memory, where
    # torch's CPU convolutions and max-pool are 2-3 times as fast; one layer
    # that hands back the default layout (masking did) costs that again
    import torch

    from skmusic.nn.masking import apply_mask, sequence_mask
    from skmusic.nn.modules import InceptionTimeNet

    channels_last = torch.channels_last
    x = torch.randn(3, 8, 1, 20).contiguous(memory_format=channels_last)
    masked = apply_mask(x, sequence_mask(torch.tensor([20, 7, 1]), 20))
    assert masked.is_contiguous(memory_format=channels_last)
    assert masked[1, :, :, 7:].abs().sum() == 0 and torch.equal(masked[0], x[0])

    net = InceptionTimeNet(1, 3, n_filters=4, depth=6, kernel_sizes=(5, 3, 1), bottleneck=4)
    layouts = []
    for module in net.inceptions:
        module.register_forward_hook(
            lambda m, args, out: layouts.append(out.is_contiguous(memory_format=channels_last))
        )
    lengths = torch.tensor([20, 7, 1])
    out = net(torch.randn(3, 1, 20), lengths)
    out.sum().backward()
    assert out.shape == (3, 3) and layouts == [True] * 6


def test_spectrogram_cnn_maps_are_channels_last_and_compute_what_the_default_layout_does():
    # channels-last kernels put every map of the 2D CNN in the layout where
    # oneDNN's CPU convolutions and max-pool are fastest; the numbers are the
    # default layout's, ragged padding included, gradients too
    import copy

    import torch

    from skmusic.nn.modules import SpectrogramCNNNet

    torch.manual_seed(0)
    net = SpectrogramCNNNet(12, 3, (4, 8, 4), dropout=0.0)
    plain = copy.deepcopy(net).to(memory_format=torch.contiguous_format)
    layouts = []
    channels_last = torch.channels_last
    for block in net.blocks:
        block.register_forward_hook(
            lambda m, args, out: layouts.append(out.is_contiguous(memory_format=channels_last))
        )
    assert not plain.blocks[1][0].weight.is_contiguous(memory_format=torch.channels_last)
    X, lengths = torch.randn(4, 12, 40), torch.tensor([40, 23, 9, 2])
    out, ref = net(X, lengths), plain(X, lengths)
    assert layouts == [True] * 3
    torch.testing.assert_close(out, ref, rtol=1e-4, atol=1e-5)
    out.sum().backward(), ref.sum().backward()
    for a, b in zip(net.parameters(), plain.parameters(), strict=True):
        torch.testing.assert_close(a.grad, b.grad, rtol=1e-3, atol=1e-5)


@pytest.mark.parametrize("activation", ["relu", "elu", "leaky_relu"])
def test_spectrogram_cnn_activates_after_pooling_to_the_same_bits(activation):
    # a rising activation commutes with max-pooling: after the pool (in place
    # but for ELU) it gives the outputs of the conv-norm-activation-pool order
    # bit for bit, on a quarter of the values, and ReLU's gradients too (ELU and
    # leaky ReLU may round two negative inputs to one output, a tie that sends
    # the pool's gradient to the other input)
    import copy

    import torch

    from skmusic.nn.masking import global_pool, pool_image, zero_padding
    from skmusic.nn.modules import _ACTIVATIONS, SpectrogramCNNNet

    torch.manual_seed(0)
    net = SpectrogramCNNNet(12, 3, (4, 8, 4), activation=activation, dropout=0.0)
    ref = copy.deepcopy(net)
    assert all(len(block) == 2 for block in net.blocks)  # conv, norm; no activation
    assert net.activation.inplace == (activation != "elu")
    act = _ACTIVATIONS[activation]()  # not in place

    def activate_then_pool(X, lengths):
        x = X.unsqueeze(1)
        for block, pool in zip(ref.blocks, ref.pool_sizes, strict=True):
            x, lengths = pool_image(act(block(zero_padding(x, lengths))), lengths, pool)
        return ref.out(global_pool(x, lengths, ref.global_pool))

    X, lengths = torch.randn(4, 12, 40), torch.tensor([40, 23, 9, 2])
    out, expected = net(X, lengths), activate_then_pool(X, lengths)
    assert torch.equal(out, expected)
    out.sum().backward(), expected.sum().backward()
    for a, b in zip(net.parameters(), ref.parameters(), strict=True):
        if activation == "relu":
            assert torch.equal(a.grad, b.grad)
        else:
            torch.testing.assert_close(a.grad, b.grad, rtol=1e-4, atol=1e-6)


def test_spectrogram_cnn_pickled_with_the_activation_in_its_blocks_loads_as_the_same_network():
    # a model saved before the activation followed the pool (blocks of conv, norm,
    # activation) loads into the current layout and predicts what it did
    import copy
    import pickle

    import torch

    from skmusic.nn.modules import SpectrogramCNNNet

    torch.manual_seed(0)
    net = SpectrogramCNNNet(12, 3, (4, 8), dropout=0.0).eval()
    old = copy.deepcopy(net)
    for block in old.blocks:
        block.append(torch.nn.ReLU())
    del old.activation
    X, lengths = torch.randn(3, 12, 30), torch.tensor([30, 11, 4])
    loaded = pickle.loads(pickle.dumps(old))
    assert all(len(block) == 2 for block in loaded.blocks)
    assert isinstance(loaded.activation, torch.nn.ReLU)
    assert torch.equal(loaded(X, lengths), net(X, lengths))


def test_inception_module_reads_padding_zeros_only_where_no_input_is_negative():
    # every module but the first reads a ReLU's output; there the padding's zeros
    # stand in for -inf in the max-pool, with the same output and gradients
    import torch

    from skmusic.nn.modules import InceptionModule

    def as_map(x):  # (batch, channels, time) -> InceptionTime's channels-last map
        return x.unsqueeze(2).contiguous(memory_format=torch.channels_last)

    torch.manual_seed(0)
    lengths = torch.tensor([9, 4, 1, 12])
    x = as_map(torch.randn(4, 8, 12).relu())
    masked = InceptionModule(8, 4, (5, 3, 1), 4)
    zeros = InceptionModule(8, 4, (5, 3, 1), 4, nonnegative_input=True)
    zeros.load_state_dict(masked.state_dict())
    outputs, grads = [], []
    for module in (masked, zeros):
        module.train()
        out = module(x, lengths)
        mask = torch.arange(12)[None, :] < lengths[:, None]
        true_steps = out.masked_fill(~mask[:, None, None, :], 0.0)
        true_steps.pow(2).sum().backward()
        outputs.append(true_steps.detach())
        grads.append([p.grad.clone() for p in module.parameters()])
    torch.testing.assert_close(outputs[0], outputs[1])
    for a, b in zip(*grads):
        torch.testing.assert_close(a, b)
    # a negative input is what the -inf is there for: a sequence's last step
    # would then see the padding's 0 as its neighbours' maximum
    negative = as_map(-torch.ones(1, 8, 6))
    short = torch.tensor([3])
    masked.eval(), zeros.eval()
    alone = masked(negative[..., :3])
    torch.testing.assert_close(masked(negative, short)[..., :3], alone)
    assert not torch.allclose(zeros(negative, short)[..., :3], alone)
