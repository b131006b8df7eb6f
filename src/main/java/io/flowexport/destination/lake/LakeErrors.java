package io.flowexport.destination.lake;

import com.azure.core.exception.ClientAuthenticationException;
import com.azure.storage.file.datalake.models.DataLakeStorageException;
import io.flowexport.destination.azure.AzureAuth;
import io.flowexport.destination.azure.AzureCredentials;
import io.flowexport.flow.Secrets;
import java.net.ConnectException;
import java.net.UnknownHostException;
import java.util.concurrent.TimeoutException;

/**
 * Turns what the Azure SDK and Camel throw into one sentence that says which credential or permission is missing
 * and what to do. Secret values never appear: messages pass through {@link Secrets#redact}.
 */
final class LakeErrors {

    /** azure-identity's refusal to get a token for the tenant a storage challenge named. */
    private static final java.util.regex.Pattern OTHER_TENANT = java.util.regex.Pattern.compile(
            "not configured to acquire tokens for tenant (\\S+?)\\.(?:\\s|$)");

    private LakeErrors() {
    }

    /** A rename refused because the target exists and the destination does not overwrite. */
    static final class TargetExists extends RuntimeException {
        TargetExists(String target, Throwable cause) {
            super("the target " + target + " appeared while uploading and overwrite = false: it was left as it is "
                    + "and the upload removed; put {batch_id} or {run_id} in the path or set overwrite = true", cause);
        }
    }

    /**
     * Explains a failure of a delivery or a check of {@code d} at {@code target} (a path in the file system).
     */
    static String explain(Throwable error, LakeSpec d, String target) {
        Throwable e = unwrap(error);
        String credential = AzureCredentials.describe(d.auth(), d.account());
        String where = (d.isOneLake() ? "workspace '" : "file system '") + d.fileSystem() + "'"
                + (d.isOneLake() ? "" : " of account '" + d.account() + "'");
        String folder = target.contains("/") ? target.substring(0, target.lastIndexOf('/')) : "/";
        if (e instanceof TargetExists || e instanceof Secrets.SecretException || e instanceof IllegalArgumentException) {
            return Secrets.redact(e.getMessage());
        }
        if (e instanceof DataLakeStorageException s) {
            String code = s.getErrorCode() == null ? "" : s.getErrorCode();
            String said = "HTTP " + s.getStatusCode() + (code.isEmpty() ? "" : " " + code);
            String answer;
            if (s.getStatusCode() == 403 && code.equals("AuthenticationFailed")) {
                answer = "the service did not accept " + credential + " (" + said + "): "
                        + (d.auth() instanceof AzureAuth.Sas ? "the SAS token is expired, not yet valid, or not "
                        + "signed for this account; make a new one" : "check that the key is current (keys are "
                        + "rotated) and belongs to account '" + d.account() + "'");
            } else if (s.getStatusCode() == 403) {
                answer = credential + " may not write to '" + folder + "' in " + where + " (" + said + "): "
                        + permissionHint(d, folder);
            } else if (s.getStatusCode() == 401) {
                answer = "the service asked for credentials (" + said + "); set auth in the destination";
            } else if (s.getStatusCode() == 404 && code.toLowerCase(java.util.Locale.ROOT).contains("filesystem")) {
                answer = where + " does not exist (" + said + "); "
                        + (d.isOneLake() ? "check the workspace name or id"
                        : "create it (flow-export does not create file systems) or fix file_system");
            } else if (s.getStatusCode() == 409 && code.equals("PathAlreadyExists")) {
                answer = "the target " + target + " exists and overwrite = false (" + said + ")";
            } else {
                String msg = s.getServiceMessage() != null ? s.getServiceMessage() : s.getMessage();
                answer = said + ": " + firstLine(msg) + (s.getStatusCode() >= 500 || s.getStatusCode() == 429
                        ? " (still failing after " + d.retry().maxAttempts() + " attempts; the next run tries again)"
                        : "");
            }
            return Secrets.redact(answer);
        }
        Throwable tokenFailure = tokenFailure(e);
        if (tokenFailure != null) {
            return Secrets.redact("could not get a Microsoft Entra ID token with " + credential + ": "
                    + tokenReason(tokenFailure) + (d.auth() instanceof AzureAuth.DefaultChain
                    ? "; on a machine without a managed identity, set AZURE_CLIENT_ID, AZURE_TENANT_ID and "
                    + "AZURE_CLIENT_SECRET, or run az login, or use auth type \"service_principal\"" : ""));
        }
        for (Throwable c = e; c != null; c = c.getCause()) {
            if (c instanceof UnknownHostException || c instanceof ConnectException) {
                return Secrets.redact("cannot reach " + d.serviceEndpoint() + ": " + c.getClass().getSimpleName()
                        + " " + c.getMessage() + "; check the account name, endpoint and network (private endpoint, "
                        + "firewall)");
            }
            if (c instanceof TimeoutException) {
                return Secrets.redact("no answer from " + d.serviceEndpoint() + " within try_timeout ("
                        + io.flowexport.flow.Durations.format(d.retry().tryTimeout()) + ") after "
                        + d.retry().maxAttempts() + " attempts; the next run tries again");
            }
        }
        return Secrets.redact(e.getClass().getSimpleName() + ": " + firstLine(e.getMessage()));
    }

    /**
     * The first failure to get a token in {@code e}'s causes, or null. The storage SDK's synchronous calls may
     * throw it wrapped (a {@code RuntimeException} around the credential's cause), so the whole chain is searched.
     */
    private static Throwable tokenFailure(Throwable e) {
        for (Throwable c = e; c != null; c = c.getCause()) {
            String name = c.getClass().getName();
            if (c instanceof ClientAuthenticationException || name.startsWith("com.azure.identity.")
                    || name.startsWith("com.microsoft.aad.msal4j.")) {
                return c;
            }
        }
        return null;
    }

    /**
     * Why a token could not be had: what Microsoft Entra ID or MSAL said (e.g. {@code AADSTS7000215: Invalid client
     * secret provided...}) when the failure comes from there; that the account is in another tenant when the
     * storage service's challenge named a tenant the credential may not get tokens for; else the credential's
     * message: of each of its lines
     * (the default chain gives one per credential tried) the first two sentences, without the links that follow.
     */
    private static String tokenReason(Throwable failure) {
        Throwable msal = null;
        for (Throwable c = failure; c != null; c = c.getCause()) {
            if (c.getClass().getName().startsWith("com.microsoft.aad.msal4j.") && c.getMessage() != null) {
                msal = c;
            }
        }
        if (msal != null) {
            return firstLine(msal.getMessage());
        }
        java.util.regex.Matcher other = OTHER_TENANT.matcher(String.valueOf(failure.getMessage()));
        if (other.find()) {
            // the SDK's advice (AdditionallyAllowedTenants) is not a setting here; the account is in another tenant
            return "the storage service asked for a token of tenant " + other.group(1) + ", the directory the "
                    + "account belongs to, and the credential is not of that tenant: use an identity of tenant "
                    + other.group(1) + " (for a service principal, one registered there, with tenant_id = \""
                    + other.group(1) + "\")";
        }
        StringBuilder reason = new StringBuilder();
        for (String line : String.valueOf(failure.getMessage()).split("\\r?\\n")) {
            int link = line.indexOf("To mitigate this issue");
            String[] sentences = (link < 0 ? line : line.substring(0, link)).trim().split("(?<=\\.) ");
            String text = String.join(" ", java.util.Arrays.asList(sentences).subList(0, Math.min(2,
                    sentences.length))).trim();
            if (!text.isEmpty()) {
                reason.append(reason.length() == 0 ? "" : " ").append(text);
            }
        }
        return reason.toString();
    }

    private static String permissionHint(LakeSpec d, String folder) {
        if (d.isOneLake()) {
            return "give the identity the Contributor (or Member) role on workspace '" + d.fileSystem()
                    + "', or write permission on item '" + d.item() + "'";
        }
        if (d.auth() instanceof AzureAuth.Sas) {
            return "the SAS token needs read, add, create, write and delete permissions (sp=racwd, plus m for a "
                    + "service SAS with move) on the file system";
        }
        return "assign the role 'Storage Blob Data Contributor' on the storage account or file system '"
                + d.fileSystem() + "', or grant ACLs write and execute on '" + folder + "' and execute on each "
                + "parent folder";
    }

    /** Strips Camel's and Reactor's wrappers. */
    private static Throwable unwrap(Throwable e) {
        Throwable t = e;
        while (t.getCause() != null && (t instanceof org.apache.camel.CamelExecutionException
                || t.getClass().getName().startsWith("reactor.core.Exceptions"))) {
            t = t.getCause();
        }
        return t;
    }

    private static String firstLine(String s) {
        if (s == null) {
            return "";
        }
        int nl = s.indexOf('\n');
        return (nl < 0 ? s : s.substring(0, nl)).trim();
    }
}
