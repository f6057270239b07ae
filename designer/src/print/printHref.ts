/** Where a case prints: the whole case, or one form of it (搬迁协议) with the case's number and the household's identity. */
export const printHref = (caseId: string, formId?: string): string => `#/cases/${caseId}/print${formId ? `?form=${encodeURIComponent(formId)}` : ''}`;
