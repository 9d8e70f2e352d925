/**
 * gendiv-core: data, tokenizer, the LibTorch model, the trainer's stages and the study's
 * evaluation and report. Filled by the model, trainer and study issues; see docs/design.md.
 */
package org.gendiv.core;
