import type { DependencyContainer } from 'tsyringe';
import { cacheableRead } from '../../../platform/http/conditional-get.js';
import { pageOf } from '../../../platform/http/pagination.js';
import { defineRoute } from '../../../platform/kernel/route.js';
import { CreateProductHandler } from '../application/create-product.handler.js';
import { CreateProductsHandler } from '../application/create-products.handler.js';
import { GetProductHandler } from '../application/get-product.handler.js';
import { ListProductsHandler } from '../application/list-products.handler.js';
import { RestockProductHandler } from '../application/restock-product.handler.js';
import { UpdateProductHandler } from '../application/update-product.handler.js';
import { CATALOG_SETTINGS } from '../catalog.settings.js';
import {
  BATCH,
  createdProductsView,
  createProductBody,
  createProductsBody,
  conditionalReadHeaders,
  listProductsQuery,
  productParams,
  productView,
  restockBody,
  updateProductBody,
} from './products.schemas.js';

const tags = ['catalog'];

// Only reads: a checkout prices and reserves through the catalog contract, never through these.
const maxAgeOf = (container: DependencyContainer) => container.resolve(CATALOG_SETTINGS).maxAgeSeconds;

export const productsRoutes = [
  defineRoute({
    method: 'get',
    path: '/api/v1/products',
    summary: 'List products (q matches name or sku)',
    tags,
    access: 'public',
    query: listProductsQuery,
    headers: conditionalReadHeaders,
    responses: { 200: pageOf(productView), 304: null },
    async handler({ query, container, header }) {
      const page = await container.resolve(ListProductsHandler).execute(query);
      return cacheableRead(page, header('if-none-match'), maxAgeOf(container));
    },
  }),
  defineRoute({
    method: 'get',
    path: '/api/v1/products/:id',
    summary: 'Get a product',
    tags,
    access: 'public',
    params: productParams,
    headers: conditionalReadHeaders,
    responses: { 200: productView, 304: null },
    async handler({ params, container, header }) {
      const product = await container.resolve(GetProductHandler).execute(params.id);
      return cacheableRead(product, header('if-none-match'), maxAgeOf(container));
    },
  }),
  defineRoute({
    method: 'post',
    path: '/api/v1/products',
    summary: 'Create a product (admin)',
    tags,
    access: 'admin',
    body: createProductBody,
    responses: { 201: productView },
    async handler({ body, container }) {
      const product = await container.resolve(CreateProductHandler).execute(body);
      return { status: 201, body: product, headers: { Location: `/api/v1/products/${product.id}` } };
    },
  }),
  defineRoute({
    method: 'post',
    path: '/api/v1/products/batch',
    summary: 'Create 1 to 1000 products at once, all or nothing (admin)',
    tags,
    access: 'admin',
    body: createProductsBody,
    bodyLimit: BATCH.bodyLimitBytes,
    responses: { 201: createdProductsView },
    async handler({ body, container }) {
      const ids = await container.resolve(CreateProductsHandler).execute(body.products);
      return { status: 201, body: { created: ids.length, ids } };
    },
  }),
  defineRoute({
    method: 'patch',
    path: '/api/v1/products/:id',
    summary: 'Change the name, description or price of a product (admin)',
    tags,
    access: 'admin',
    params: productParams,
    body: updateProductBody,
    responses: { 200: productView },
    async handler({ params, body, container }) {
      return { status: 200, body: await container.resolve(UpdateProductHandler).execute(params.id, body) };
    },
  }),
  defineRoute({
    method: 'post',
    path: '/api/v1/products/:id/restock',
    summary: 'Add units to the stock of a product (admin)',
    tags,
    access: 'admin',
    params: productParams,
    body: restockBody,
    responses: { 200: productView },
    async handler({ params, body, container }) {
      return { status: 200, body: await container.resolve(RestockProductHandler).execute(params.id, body.quantity) };
    },
  }),
];
