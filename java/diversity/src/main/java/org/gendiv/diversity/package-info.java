/**
 * gendiv-diversity: the study's diversity metrics (EAD, distinct-n, Self-BLEU, embedding, NLI
 * aggregation, compression) over sets of generations, in pure Java with the Vector API.
 * Filled by the diversity-engine issue; see docs/study.md (Diversity).
 */
package org.gendiv.diversity;
