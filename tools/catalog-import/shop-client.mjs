// The few calls an import makes to a shop, with its answers kept whole (status and problem body):
// the uploader decides what each refusal means for the rows it sent.

const RETRIES = 6;
const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

export class ShopClient {
  /** `credentials` of an admin: the access token is renewed when it expires during a long import. */
  constructor(baseUrl, credentials) {
    this.baseUrl = baseUrl.replace(/\/+$/, '');
    this.credentials = credentials;
    this.token = undefined;
  }

  async logIn() {
    const response = await this.call('POST', '/api/v1/auth/login', this.credentials, { authenticated: false });
    if (response.status !== 200)
      throw new Error(`cannot log in as ${this.credentials.email}: ${response.status} ${response.body?.detail ?? ''}`);
    this.token = response.body.accessToken;
  }

  /** POST /api/v1/products/batch: `{ status, body }`. */
  createProducts(products) {
    return this.call('POST', '/api/v1/products/batch', { products });
  }

  /** Every sku in the catalog, read page by page through the public list. */
  async allSkus() {
    const skus = new Set();
    let cursor = null;
    do {
      const query = `limit=100${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`;
      const response = await this.call('GET', `/api/v1/products?${query}`);
      if (response.status !== 200) throw new Error(`cannot list the catalog: ${response.status}`);
      for (const product of response.body.items) skus.add(product.sku);
      cursor = response.body.nextCursor;
    } while (cursor);
    return skus;
  }

  /**
   * One request, tried again while the shop asks to wait (429, 503 with Retry-After) or cannot be
   * reached, and once more after logging in again when the token has expired (401).
   */
  async call(method, path, body, { authenticated = true } = {}) {
    for (let attempt = 1; ; attempt++) {
      if (authenticated && !this.token) await this.logIn();
      let response;
      try {
        response = await fetch(`${this.baseUrl}${path}`, {
          method,
          headers: {
            'content-type': 'application/json',
            ...(authenticated ? { authorization: `Bearer ${this.token}` } : {}),
          },
          body: body === undefined ? undefined : JSON.stringify(body),
        });
      } catch (error) {
        if (attempt >= RETRIES) throw new Error(`${method} ${path}: ${error.cause?.message ?? error.message}`);
        await sleep(250 * 2 ** attempt);
        continue;
      }
      const text = await response.text();
      const answer = { status: response.status, body: text ? JSON.parse(text) : undefined };
      if (response.status === 401 && authenticated && attempt === 1) {
        this.token = undefined;
        continue;
      }
      const retryAfter = Number(response.headers.get('retry-after'));
      if ((response.status === 429 || response.status === 503) && attempt < RETRIES) {
        await sleep(Number.isFinite(retryAfter) && retryAfter > 0 ? retryAfter * 1000 : 250 * 2 ** attempt);
        continue;
      }
      return answer;
    }
  }
}
