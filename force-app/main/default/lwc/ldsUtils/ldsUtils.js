/**
 * Reduces one or more errors into a list of messages a person can read. Handles the shapes a component
 * meets: an AuraHandledException from Apex (`body.message`), UI API errors (`body.output.errors`,
 * `body.output.fieldErrors`, `body` as an array), page-level errors, and plain JavaScript errors.
 *
 * @param {unknown | unknown[]} errors one error or an array of errors
 * @returns {string[]} the messages, without empty ones
 */
export function reduceErrors(errors) {
    const list = Array.isArray(errors) ? errors : [errors];
    return list
        .filter((error) => !!error)
        .map((error) => {
            if (Array.isArray(error.body)) {
                return error.body.map((e) => e.message);
            }
            if (error.body?.output?.errors?.length || error.body?.output?.fieldErrors) {
                const pageErrors = (error.body.output.errors || []).map((e) => e.message);
                const fieldErrors = Object.values(error.body.output.fieldErrors || {}).flatMap((errs) =>
                    errs.map((e) => e.message)
                );
                return [...pageErrors, ...fieldErrors];
            }
            if (error.body?.pageErrors?.length) {
                return error.body.pageErrors.map((e) => e.message);
            }
            if (typeof error.body?.message === 'string') {
                return error.body.message;
            }
            if (typeof error.message === 'string') {
                return error.message;
            }
            if (typeof error === 'string') {
                return error;
            }
            return error.statusText;
        })
        .flat()
        .filter((message) => !!message);
}
