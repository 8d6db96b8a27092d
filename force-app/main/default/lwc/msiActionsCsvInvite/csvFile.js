/**
 * Reading the chosen CSV file in the browser. The service detects encodings, delimiters and headers; the
 * page only decides how to carry the bytes: as text when they are UTF-8 (the common case, readable in the
 * request), as base64 otherwise (Windows-1252 exports from Excel, UTF-16), so no byte is lost on the way.
 */

/** What fits through a Lightning action and Apex's heap with room to spare (100 seats need a few KB). */
export const MAX_FILE_BYTES = 1024 * 1024;

/**
 * @param {Blob} file
 * @returns {Promise<ArrayBuffer>}
 */
function readBytes(file) {
    return new Promise((resolve, reject) => {
        const reader = new FileReader();
        reader.onload = () => resolve(/** @type {ArrayBuffer} */ (reader.result));
        reader.onerror = () => reject(reader.error);
        reader.readAsArrayBuffer(file);
    });
}

/**
 * @param {Uint8Array} bytes
 * @returns {string}
 */
export function toBase64(bytes) {
    let binary = '';
    // In slices: String.fromCharCode with a whole file as arguments overflows the call stack.
    for (let start = 0; start < bytes.length; start += 0x8000) {
        binary += String.fromCharCode.apply(null, Array.from(bytes.subarray(start, start + 0x8000)));
    }
    return btoa(binary);
}

/**
 * @param {Uint8Array} bytes
 * @returns {{ content: string, encoding: 'text'|'base64' }}
 */
export function encodeForUpload(bytes) {
    try {
        const text = new TextDecoder('utf-8', { fatal: true }).decode(bytes);
        // Valid UTF-8 with NUL characters is UTF-16 without a byte order mark: let the service see the bytes.
        if (!text.includes('\u0000')) {
            return { content: text, encoding: 'text' };
        }
    } catch {
        // Not UTF-8: sent as base64 below.
    }
    return { content: toBase64(bytes), encoding: 'base64' };
}

/**
 * @param {Blob} file
 * @returns {Promise<{ content: string, encoding: 'text'|'base64' }>}
 */
export async function readCsvFile(file) {
    return encodeForUpload(new Uint8Array(await readBytes(file)));
}
