"""PyTorch eager on the GPU, the same shapes and math as bench_kernels.cu: the peer gendiv's CUDA
kernels are timed against. One JSON object per line. Run by bench/gpu/run.sh."""
import json

import torch


def time_ms(f, reps=20):
    f()
    torch.cuda.synchronize()
    a, b = torch.cuda.Event(enable_timing=True), torch.cuda.Event(enable_timing=True)
    a.record()
    for _ in range(reps):
        f()
    b.record()
    b.synchronize()
    return a.elapsed_time(b) / reps


def sample_plain(z):
    logp = torch.log_softmax(z, dim=-1)
    tok = torch.multinomial(logp.exp(), 1)
    return tok, logp.gather(1, tok)


def sample_filtered(z, k=50, p=0.9, t=0.8):
    logp = torch.log_softmax(z / t, dim=-1)
    vals, idx = logp.topk(k, dim=-1)
    q = vals.exp()
    drop = (q.cumsum(-1) - q) / q.sum(-1, keepdim=True) > p
    q = q.masked_fill(drop, 0.0)
    pick = torch.multinomial(q, 1)
    tok = idx.gather(1, pick)
    return tok, logp.gather(1, tok), q.sum(-1)


def ppo(z, act, old, adv, mask):
    z = z.detach().requires_grad_(True)
    logp = torch.log_softmax(z, -1).gather(1, act[:, None]).squeeze(1)
    ratio = (logp - old).clamp(-20, 20).exp()
    loss = (torch.maximum(-adv * ratio, -adv * ratio.clamp(0.8, 1.2)) * mask).sum() / mask.sum()
    loss.backward()
    return z.grad


def main():
    dev = torch.device("cuda")
    for vocab in (50257, 151936):
        torch.manual_seed(1)
        z = torch.randn(2048, vocab, device=dev) * 2
        zr = torch.randn(2048, vocab, device=dev) * 2
        act = torch.randint(vocab, (2048,), device=dev)
        old, adv, mask = torch.randn(2048, device=dev), torch.randn(2048, device=dev), torch.ones(2048, device=dev)
        rows = {
            "sample T=1 (B=64)": lambda: sample_plain(z[:64]),
            "sample top-k 50 top-p 0.9 (B=64)": lambda: sample_filtered(z[:64]),
            "sample T=1 (B=2048)": lambda: sample_plain(z),
            "token_logprobs (N=2048)": lambda: torch.log_softmax(z, -1).gather(1, act[:, None]),
            "kl_exact (N=2048)": lambda: torch.nn.functional.kl_div(
                torch.log_softmax(zr, -1), torch.log_softmax(z, -1), log_target=True, reduction="none").sum(-1),
            "ppo_loss fwd+bwd (N=2048)": lambda: ppo(z, act, old, adv, mask),
        }
        for name, f in rows.items():
            print(json.dumps({"kernel": name, "vocab": vocab, "torch_ms": round(time_ms(f), 4)}))


if __name__ == "__main__":
    main()
