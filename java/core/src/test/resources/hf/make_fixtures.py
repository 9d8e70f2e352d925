"""Writes the Hugging Face fixtures that gendiv's TransformersParityTest reads.

Each model directory holds what transformers' save_pretrained writes (config.json, model.safetensors;
random weights, every parameter drawn, biases and norm gains included) and expected.json: the input
ids, transformers' float32 logits for them (one uncached forward) and transformers' greedy
continuation of a prompt (generate with the KV cache). The tokenizer directories hold tokenizer.json
files built with the tokenizers library and the ids transformers' PreTrainedTokenizerFast gives.

Run from this directory, in a venv with torch (CPU), transformers and tokenizers:
    python make_fixtures.py
It prints the versions it ran with; expected.json records them too. CI only reads the files.
"""
import json
import math
import os
import shutil

import torch
import transformers
from transformers import (GPT2Config, GPT2LMHeadModel, LlamaConfig, LlamaForCausalLM, MistralConfig,
                          MistralForCausalLM, OPTConfig, OPTForCausalLM, PreTrainedTokenizerFast,
                          Qwen2Config, Qwen2ForCausalLM)

VOCAB = 48
TOKENS = [3, 1, 4, 1, 5, 9, 2, 6, 5, 3, 5, 8]    # 12 ids: longer than the short models' windows
PROMPT = [7, 1, 8, 2, 8]
NEW_TOKENS = 6


def draw(model, seed):
    """Every parameter drawn: weights N(0, 0.3), norm gains 1 + N(0, 0.1), biases N(0, 0.1)."""
    g = torch.Generator().manual_seed(seed)
    with torch.no_grad():
        for name, p in model.named_parameters():
            if "norm" in name and name.endswith("weight") or name.endswith("ln_1.weight") or name.endswith("ln_2.weight") \
                    or name.endswith("ln_f.weight"):
                p.copy_(1 + 0.1 * torch.randn(p.shape, generator=g))
            elif name.endswith("bias"):
                p.copy_(0.1 * torch.randn(p.shape, generator=g))
            else:
                p.copy_(0.3 * torch.randn(p.shape, generator=g))


def expected(cls, path):
    """Logits and greedy continuation, each from a freshly loaded model (dynamic rotary state starts clean)."""
    model = cls.from_pretrained(path, dtype=torch.float32).eval()
    with torch.no_grad():
        logits = model(torch.tensor([TOKENS])).logits[0]
    model = cls.from_pretrained(path, dtype=torch.float32).eval()
    with torch.no_grad():
        out = model.generate(torch.tensor([PROMPT]), max_new_tokens=NEW_TOKENS, do_sample=False, use_cache=True,
                             pad_token_id=0, eos_token_id=None, attention_mask=torch.ones(1, len(PROMPT), dtype=torch.long))
    return {"transformers": transformers.__version__, "torch": torch.__version__, "tokens": TOKENS,
            "logits": [[round(float(v), 7) for v in row] for row in logits], "prompt": PROMPT,
            "greedy": out[0, len(PROMPT):].tolist()}


def save(name, cls, config, seed):
    torch.manual_seed(seed)
    model = cls(config).eval()
    draw(model, seed)
    shutil.rmtree(name, ignore_errors=True)
    model.save_pretrained(name, safe_serialization=True)
    for extra in ("generation_config.json",):
        if os.path.exists(os.path.join(name, extra)):
            os.remove(os.path.join(name, extra))
    e = expected(cls, name)
    with open(os.path.join(name, "expected.json"), "w") as f:
        json.dump(e, f, separators=(",", ":"))
    print(f"{name}: {sum(p.numel() for p in model.parameters())} parameters, greedy {e['greedy']}")
    return e


def llama_like(**kw):
    base = dict(vocab_size=VOCAB, hidden_size=16, intermediate_size=24, num_hidden_layers=2, num_attention_heads=2,
                num_key_value_heads=1, max_position_embeddings=64, rms_norm_eps=1e-5, tie_word_embeddings=False)
    base.update(kw)
    return base


def models():
    save("gpt2", GPT2LMHeadModel, GPT2Config(vocab_size=VOCAB, n_positions=32, n_embd=16, n_layer=2, n_head=4), 1)
    save("gpt2-untied", GPT2LMHeadModel, GPT2Config(vocab_size=VOCAB, n_positions=32, n_embd=16, n_layer=2, n_head=4,
                                                   tie_word_embeddings=False), 2)
    save("opt", OPTForCausalLM, OPTConfig(vocab_size=VOCAB, hidden_size=16, num_hidden_layers=2, ffn_dim=24,
                                          num_attention_heads=4, max_position_embeddings=32, word_embed_proj_dim=16,
                                          pad_token_id=1, bos_token_id=2, eos_token_id=2), 3)
    save("opt-350m-style", OPTForCausalLM, OPTConfig(vocab_size=VOCAB, hidden_size=16, num_hidden_layers=2, ffn_dim=24,
                                                     num_attention_heads=4, max_position_embeddings=32,
                                                     word_embed_proj_dim=8, do_layer_norm_before=False,
                                                     pad_token_id=1, bos_token_id=2, eos_token_id=2), 4)
    save("opt-untied", OPTForCausalLM, OPTConfig(vocab_size=VOCAB, hidden_size=16, num_hidden_layers=2, ffn_dim=24,
                                                 num_attention_heads=4, max_position_embeddings=32, word_embed_proj_dim=16,
                                                 tie_word_embeddings=False, pad_token_id=1, bos_token_id=2, eos_token_id=2), 15)
    save("llama-gqa", LlamaForCausalLM, LlamaConfig(**llama_like()), 5)
    save("llama-tied", LlamaForCausalLM, LlamaConfig(**llama_like(tie_word_embeddings=True, num_key_value_heads=2)), 6)
    save("qwen2", Qwen2ForCausalLM, Qwen2Config(**llama_like(rope_parameters={"rope_type": "default", "rope_theta": 1e6},
                                                             tie_word_embeddings=True)), 7)
    save("mistral", MistralForCausalLM, MistralConfig(**llama_like(sliding_window=None)), 8)
    save("mistral-window", MistralForCausalLM, MistralConfig(**llama_like(sliding_window=4)), 9)
    save("qwen2-window", Qwen2ForCausalLM, Qwen2Config(**llama_like(use_sliding_window=True, sliding_window=3,
                                                                    max_window_layers=1)), 10)
    save("llama-linear", LlamaForCausalLM, LlamaConfig(**llama_like(
        rope_parameters={"rope_type": "linear", "factor": 2.0, "rope_theta": 500.0})), 11)
    save("llama-dynamic", LlamaForCausalLM, LlamaConfig(**llama_like(
        max_position_embeddings=8, rope_parameters={"rope_type": "dynamic", "factor": 2.0, "rope_theta": 10000.0})), 12)
    save("llama3", LlamaForCausalLM, LlamaConfig(**llama_like(
        max_position_embeddings=256, rope_parameters={"rope_type": "llama3", "factor": 8.0, "low_freq_factor": 1.0,
                                                      "high_freq_factor": 4.0, "original_max_position_embeddings": 64,
                                                      "rope_theta": 10000.0})), 13)
    save("llama-yarn", LlamaForCausalLM, LlamaConfig(**llama_like(
        rope_parameters={"rope_type": "yarn", "factor": 4.0, "original_max_position_embeddings": 16,
                         "rope_theta": 10000.0})), 14)
    # The same weights as llama-linear, with the config as transformers 4.x wrote it (top-level rope_theta,
    # rope_scaling with "type"): transformers 5 reads it to the same logits, and so must gendiv.
    v4 = "llama-linear-v4"
    shutil.rmtree(v4, ignore_errors=True)
    shutil.copytree("llama-linear", v4)
    with open(os.path.join(v4, "config.json")) as f:
        c = json.load(f)
    rope = c.pop("rope_parameters")
    c["rope_theta"] = rope["rope_theta"]
    c["rope_scaling"] = {"type": "linear", "factor": rope["factor"]}
    c["transformers_version"] = "4.46.0"
    with open(os.path.join(v4, "config.json"), "w") as f:
        json.dump(c, f, indent=2)
    again = expected(LlamaForCausalLM, v4)
    with open(os.path.join("llama-linear", "expected.json")) as f:
        first = json.load(f)
    assert again["logits"] == first["logits"] and again["greedy"] == first["greedy"], "v4 config read differently"
    print(f"{v4}: same logits as llama-linear")


CORPUS = ["The quick brown fox jumps over the lazy dog.", "Alice went to the market on Monday, then home.",
          "naïve café déjà vu — 東京 and 🙂 emoji", "  leading spaces,\ttabs\nand newlines  ",
          "numbers 12345 and 3.14159, symbols #@$%^&*()", "the the the market market"] * 20

STRINGS = ["Hello world", "The quick brown fox.", "Alice went to the market on Monday.", "  two  spaces  ",
           "tab\there", "new\nline", "naïve café", "東京", "🙂🙃", "x" * 40, "3.14159", "#@$%", "", " ", "market!?",
           "Zebra quaggas were unseen", "déjà vu — again", "MiXeD CaSe", "end.", "a b c d e f g"]


def tokenizers_():
    from tokenizers import Tokenizer, decoders, models as tm, normalizers, pre_tokenizers, trainers
    # GPT-2's form: byte-level BPE
    t = Tokenizer(tm.BPE())
    t.pre_tokenizer = pre_tokenizers.ByteLevel(add_prefix_space=False)
    t.decoder = decoders.ByteLevel()
    t.train_from_iterator(CORPUS, trainers.BpeTrainer(vocab_size=300, special_tokens=["<|endoftext|>"],
                                                      initial_alphabet=pre_tokenizers.ByteLevel.alphabet()))
    write_tokenizer("tokenizer-bytelevel-bpe", t)
    # LLaMA's form: SentencePiece-style BPE over "▁"-marked words with byte fallback
    t = Tokenizer(tm.BPE(byte_fallback=True, unk_token="<unk>"))
    t.normalizer = normalizers.Sequence([normalizers.Prepend("▁"), normalizers.Replace(" ", "▁")])
    t.decoder = decoders.Sequence([decoders.Replace("▁", " "), decoders.ByteFallback(), decoders.Fuse(),
                                   decoders.Strip(" ", 1, 0)])
    bytes_ = [f"<0x{i:02X}>" for i in range(256)]
    t.train_from_iterator(CORPUS, trainers.BpeTrainer(vocab_size=320, special_tokens=["<unk>", "<s>", "</s>"] + bytes_))
    write_tokenizer("tokenizer-sentencepiece-bpe", t)


def write_tokenizer(name, t):
    shutil.rmtree(name, ignore_errors=True)
    os.makedirs(name)
    path = os.path.join(name, "tokenizer.json")
    t.save(path)
    fast = PreTrainedTokenizerFast(tokenizer_file=path)
    ids = [fast(s, add_special_tokens=False)["input_ids"] for s in STRINGS]
    decoded = [fast.decode(i, skip_special_tokens=True) for i in ids]
    with open(os.path.join(name, "expected.json"), "w") as f:
        json.dump({"transformers": transformers.__version__, "strings": STRINGS, "ids": ids, "decoded": decoded}, f,
                  ensure_ascii=False)
    print(f"{name}: vocab {t.get_vocab_size()}")


if __name__ == "__main__":
    os.chdir(os.path.dirname(os.path.abspath(__file__)))
    print("transformers", transformers.__version__, "torch", torch.__version__)
    models()
    tokenizers_()
