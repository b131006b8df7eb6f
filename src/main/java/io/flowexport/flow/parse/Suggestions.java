package io.flowexport.flow.parse;

import java.util.Collection;
import java.util.Locale;
import java.util.Optional;

/** Finds the known name nearest to a misspelt one, for "did you mean" hints. */
public final class Suggestions {

    private Suggestions() {
    }

    /**
     * The candidate nearest to {@code wrong} by edit distance (ignoring case), when it is close enough to be a
     * likely typo: at most a third of the longer name's length, and at least 1.
     *
     * @return the nearest candidate, or empty when none is close
     */
    public static Optional<String> nearest(String wrong, Collection<String> candidates) {
        String best = null;
        int bestDistance = Integer.MAX_VALUE;
        String w = wrong.toLowerCase(Locale.ROOT);
        for (String candidate : candidates) {
            if (Math.abs(candidate.length() - wrong.length()) > Math.max(wrong.length(), candidate.length()) / 3 + 1) {
                continue; // too far apart to be a typo: skip the quadratic distance (names may be long)
            }
            int d = distance(w, candidate.toLowerCase(Locale.ROOT));
            if (d < bestDistance) {
                best = candidate;
                bestDistance = d;
            }
        }
        if (best == null) {
            return Optional.empty();
        }
        int limit = Math.max(1, Math.max(wrong.length(), best.length()) / 3);
        return bestDistance <= limit ? Optional.of(best) : Optional.empty();
    }

    /** "; did you mean 'x'?" when a candidate is close, else "; known: a, b, c" (sorted as given). */
    public static String hint(String wrong, Collection<String> candidates, String knownLabel) {
        return nearest(wrong, candidates).map(s -> "; did you mean '" + s + "'?")
                .orElseGet(() -> "; " + knownLabel + ": " + String.join(", ", candidates));
    }

    /** Levenshtein distance. */
    static int distance(String a, String b) {
        int[] prev = new int[b.length() + 1];
        int[] cur = new int[b.length() + 1];
        for (int j = 0; j <= b.length(); j++) {
            prev[j] = j;
        }
        for (int i = 1; i <= a.length(); i++) {
            cur[0] = i;
            for (int j = 1; j <= b.length(); j++) {
                int cost = a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1;
                cur[j] = Math.min(Math.min(cur[j - 1] + 1, prev[j] + 1), prev[j - 1] + cost);
            }
            int[] t = prev;
            prev = cur;
            cur = t;
        }
        return prev[b.length()];
    }
}
