package io.flowexport.flow;

/**
 * One place an export is delivered to, as a flow (inline, or by {@code ref} to the destination catalogue with
 * overrides) or {@code file_path} (the short form of a file destination) describes it. Opaque here: each
 * destination type (a package under {@code io.flowexport.destination}) has its own immutable record. Secrets are
 * references ({@link SecretValue}) read only when the destination is used.
 */
public interface DestinationSpec {

    /** The destination's name in the flow: delivery state, idempotency keys and logs use it. Unique per flow. */
    String name();

    /** The destination type as TOML spells it ({@code type = "http"}): it names the provider that serves it. */
    String type();

    /** The catalogue entry this destination was made from ({@code ref}), or null when it is inline. */
    String ref();

    /**
     * The destination's path or URL with placeholders, as the flow writes it: a file's path, an HTTP URL, a lake
     * file's path in its file system, a message entity's name.
     */
    String template();
}
