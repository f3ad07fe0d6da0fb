/** The resource URIs of guides and API-index entries, one place for both directions. */

export const GUIDE_SCHEME = 'hedera-guide'
export const API_SCHEME = 'hedera-api'

export const guideUri = (id: string) => `${GUIDE_SCHEME}://${id}`
export const apiUri = (className: string) => `${API_SCHEME}://${className}`
