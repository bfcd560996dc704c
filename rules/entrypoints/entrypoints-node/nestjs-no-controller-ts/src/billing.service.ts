import { Injectable } from '@nestjs/common';
import { HttpService } from '@nestjs/axios';

function Get(path: string): MethodDecorator {
  return () => undefined;
}

@Injectable()
export class BillingService {
  constructor(private readonly http: HttpService) {}

  @Get('/cache')
  cached() {
    return this.http.get('/invoices', { params: { open: true } });
  }
}
