package io.bgswap.internal;

import java.util.Locale;
import java.util.Optional;

/**
 * Reads a setting from a system property first and an environment variable second, so that the
 * precedence builder argument &gt; system property &gt; environment &gt; default is the same for
 * every option. Not API.
 */
public final class Settings {
    private Settings() {
    }

    /**
     * @param property system property name, e.g. {@code bgswap.backend}
     * @param env      environment variable name, e.g. {@code BGSWAP_BACKEND}
     * @return the first non-blank value
     */
    public static Optional<String> get(String property, String env) {
        String v = System.getProperty(property);
        if (v == null || v.isBlank()) {
            v = System.getenv(env);
        }
        return v == null || v.isBlank() ? Optional.empty() : Optional.of(v.trim());
    }

    /**
     * @param property system property name
     * @param env      environment variable name
     * @return whether the setting is {@code true}, {@code 1} or {@code yes}
     */
    public static boolean flag(String property, String env) {
        return get(property, env)
                .map(v -> v.toLowerCase(Locale.ROOT))
                .map(v -> v.equals("true") || v.equals("1") || v.equals("yes"))
                .orElse(false);
    }
}
