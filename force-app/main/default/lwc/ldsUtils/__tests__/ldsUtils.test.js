import { reduceErrors } from 'c/ldsUtils';

describe('c/ldsUtils reduceErrors', () => {
    it('reads the message of an AuraHandledException', () => {
        expect(reduceErrors({ body: { message: 'The service could not be reached.' }, status: 500 })).toEqual([
            'The service could not be reached.'
        ]);
    });

    it('flattens UI API page and field errors', () => {
        const error = {
            body: {
                output: {
                    errors: [{ message: 'Page error' }],
                    fieldErrors: { Name: [{ message: 'Name is required' }] }
                }
            }
        };
        expect(reduceErrors(error)).toEqual(['Page error', 'Name is required']);
    });

    it('reads arrays of errors, page errors, JavaScript errors and strings', () => {
        const messages = reduceErrors([
            { body: [{ message: 'First' }, { message: 'Second' }] },
            { body: { pageErrors: [{ message: 'Page' }] } },
            new Error('Thrown'),
            'Plain',
            { statusText: 'Bad Gateway' },
            null
        ]);
        expect(messages).toEqual(['First', 'Second', 'Page', 'Thrown', 'Plain', 'Bad Gateway']);
    });

    it('returns nothing for no error', () => {
        expect(reduceErrors(undefined)).toEqual([]);
    });
});
